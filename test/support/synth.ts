import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { BuildAppOptions, TodoAppStacks } from '../../lib/app';
import { createApp } from '../../lib/synth';

export interface SynthOptions extends BuildAppOptions {
  /** CDK context on top of cdk.json's, as `-c key=value` would give it. */
  readonly context?: Record<string, unknown>;
  /**
   * Run esbuild for the functions. Off for the fine-grained tests: their assertions do not depend on the code and
   * skipping the bundling keeps each fresh App fast.
   * @default false
   */
  readonly bundle?: boolean;
  /** Where the cloud assembly goes. @default a temporary directory */
  readonly outdir?: string;
}

export interface SynthResult extends TodoAppStacks {
  readonly app: App;
  readonly api: Template;
  readonly callers: Template;
}

/** A fresh App per call, built exactly as bin/app.ts builds it (lib/synth.ts: cdk.json's context and all). */
export function synthApp(options: SynthOptions = {}): SynthResult {
  const { app, ...stacks } = createApp({ ...options, bundle: options.bundle ?? false });
  return {
    app,
    ...stacks,
    api: Template.fromStack(stacks.apiStack),
    callers: Template.fromStack(stacks.callersStack),
  };
}

/** Resources of one type in a template, by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, { Properties?: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties?: Record<string, unknown> }>;
}
