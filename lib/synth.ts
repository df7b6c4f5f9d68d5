import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { type BuildAppOptions, buildApp, type TodoAppStacks } from './app';

/**
 * The one way this app is built: with cdk.json's context (its settings and feature flags) merged with overrides, so
 * that `cdk synth`/`cdk deploy` (bin/app.ts), `npm start`, the tests and the benchmark all get the template that is
 * deployed. Under the CDK CLI, the context it passes (cdk.json, `-c key=value`) still wins over these defaults.
 */

export const PROJECT_ROOT = path.join(__dirname, '..');

/** cdk.json's `context`: what `npx cdk synth` runs the app with. */
export function projectContext(): Record<string, unknown> {
  const file = path.join(PROJECT_ROOT, 'cdk.json');
  const cdkJson = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  return { ...cdkJson.context };
}

export interface CreateAppOptions extends BuildAppOptions {
  /** Context on top of cdk.json's, as `-c key=value` would give it. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Where the cloud assembly goes. @default CDK's (cdk.out under the CLI, a temporary directory otherwise) */
  readonly outdir?: string;
  /**
   * Run esbuild for the functions. Off only for tests whose assertions do not depend on the code.
   * @default true
   */
  readonly bundle?: boolean;
}

export interface CreatedApp extends TodoAppStacks {
  readonly app: App;
}

/** A new App with the project's context, and the app's stacks in it. */
export function createApp(options: CreateAppOptions = {}): CreatedApp {
  const context: Record<string, unknown> = { ...projectContext(), ...options.context };
  if (options.bundle === false) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ context, outdir: options.outdir });
  return { app, ...buildApp(app, options) };
}
