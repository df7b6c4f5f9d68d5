import type { Template } from 'aws-cdk-lib/assertions';
import { daysUntil, NODE_RUNTIME_LIFECYCLES, RUNTIME_WARNING_DAYS, runtimeLifecycle, UnknownRuntimeError } from '../../lib/lambda-runtimes';
import { newestKnownNodeRuntime, pinnedRuntimeSuppression } from '../../lib/nag-suppressions';
import { TodoFunction } from '../../lib/todo-function';
import { synthApp } from '../support/synth';

/** Every resource of a template that names a Lambda runtime, whatever made it (TodoFunction, CDK's own providers, ...). */
function runtimesOf(template: Template): Array<{ logicalId: string; type: string; runtime: unknown }> {
  const resources = (template.toJSON().Resources ?? {}) as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  return Object.entries(resources)
    .filter(([, resource]) => /^AWS::(Lambda|Serverless)::Function$/.test(resource.Type) || resource.Properties?.Runtime !== undefined)
    .map(([logicalId, resource]) => ({ logicalId, type: resource.Type, runtime: resource.Properties?.Runtime }));
}

describe('the Lambda runtime of the app', () => {
  test(`the pinned runtime is more than ${RUNTIME_WARNING_DAYS} days from its deprecation (move TodoFunction.RUNTIME on when this fails)`, () => {
    // Real time on purpose: this test is the reminder, and it fails in CI before Lambda blocks deploys.
    const dates = runtimeLifecycle(TodoFunction.RUNTIME.name);
    const left = daysUntil(dates.deprecation, new Date());
    expect({ runtime: dates.runtime, deprecation: dates.deprecation, daysLeft: left > RUNTIME_WARNING_DAYS }).toEqual({
      runtime: TodoFunction.RUNTIME.name,
      deprecation: dates.deprecation,
      daysLeft: true,
    });
  });

  test('the pinned runtime is Node.js 24', () => {
    expect(TodoFunction.RUNTIME.name).toBe('nodejs24.x');
    expect(TodoFunction.NODE_MAJOR).toBe(24);
  });

  test.each([
    ['cdk.json as is', {}],
    [
      'a prod environment that destroys its data, during a key rotation',
      { 'todo:envName': 'prod', 'todo:destroyDataOnDelete': 'true', 'todo:apiKeyGenerations': '[1,2]' },
    ],
  ])('every function in both templates runs on the pinned runtime (%s)', (_, context) => {
    const { api, callers } = synthApp({ context });
    for (const [stack, template] of [
      ['api', api],
      ['callers', callers],
    ] as const) {
      const functions = runtimesOf(template);
      expect(functions.length).toBeGreaterThan(0);
      for (const fn of functions) expect({ stack, ...fn }).toEqual({ stack, ...fn, runtime: TodoFunction.RUNTIME.name });
    }
  });

  test('every function is a TodoFunction, whose bundles target the pinned Node.js version', () => {
    const { app, api, callers } = synthApp();
    const todoFunctions = app.node.findAll().filter((c): c is TodoFunction => c instanceof TodoFunction);
    expect(todoFunctions).toHaveLength(runtimesOf(api).length + runtimesOf(callers).length);
  });

  test('every handler is async: none takes a callback, which the Node.js 24 runtime refuses (Runtime.CallbackHandlerDeprecated)', async () => {
    // Lambda's Node.js 24 runtime refuses, at init, a handler that declares 3 or more parameters (handler.length >= 3).
    const { app, apiStack, api, callers } = synthApp();
    // What esbuild's define gives the resolver's bundle (lib/todo-function.ts bundledValues), for importing its source.
    (globalThis as { __API_MODELS__?: string }).__API_MODELS__ = JSON.stringify(apiStack.todoApi.models);
    const functions = app.node.findAll().filter((c): c is TodoFunction => c instanceof TodoFunction);
    expect(functions.length).toBeGreaterThanOrEqual(5);
    const saved = { ...process.env };
    // Handlers read their settings at import: give every variable of every function a placeholder value.
    for (const template of [api, callers]) {
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        for (const name of Object.keys(fn.Properties?.Environment?.Variables ?? {})) process.env[name] ??= 'placeholder';
      }
    }
    const entries = [...new Set(functions.map((fn) => fn.entry))];
    for (const entry of entries) {
      const { handler } = (await import(entry)) as { handler: unknown };
      expect({ entry, type: typeof handler, declaresCallback: typeof handler === 'function' && handler.length >= 3 }).toEqual({
        entry,
        type: 'function',
        declaresCallback: false,
      });
    }
    process.env = saved;
  });

  test('the table has a row for every Node.js runtime CDK offers from Node.js 20 on, with ordered dates', () => {
    for (const row of NODE_RUNTIME_LIFECYCLES) {
      expect(row.runtime).toBe(`nodejs${row.nodeMajor}.x`);
      expect(row.deprecation < row.blockFunctionCreate && row.blockFunctionCreate < row.blockFunctionUpdate).toBe(true);
    }
    expect(() => runtimeLifecycle(newestKnownNodeRuntime())).not.toThrow();
    expect(() => runtimeLifecycle('nodejs99.x')).toThrow(UnknownRuntimeError);
  });

  test("the acknowledgment of a pinned runtime behind the newest quotes Lambda's dates for it", () => {
    const { reason } = pinnedRuntimeSuppression('nodejs22.x');
    expect(reason).toContain('nodejs22.x');
    expect(reason).toContain('2027-04-30');
    expect(reason).toContain('2027-06-01');
    expect(reason).toContain('2027-07-01');
  });

  test('daysUntil counts whole days to 00:00 UTC of the date', () => {
    expect(daysUntil('2028-04-30', new Date('2027-11-02T00:00:00Z'))).toBe(180);
    expect(daysUntil('2028-04-30', new Date('2027-11-02T00:00:01Z'))).toBe(179);
    expect(daysUntil('2027-04-30', new Date('2027-05-01T00:00:00Z'))).toBe(-1);
  });
});
