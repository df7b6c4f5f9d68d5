/**
 * A reload of the deployment (npm start --watch): LambdaRuntime.replaceFunctions keeps the warm workers of a function
 * whose definition is the same, stops those of a function that changed (the next invocation runs the new version)
 * or is gone (then unknown, as Lambda answers).
 */
import { LambdaRuntime } from '../../../local/lambda/runtime';
import { ACCOUNT, createFixtures, eventually, type Fixtures, isAlive, json, REGION } from './fixtures';

let fixtures: Fixtures;
let runtime: LambdaRuntime;

beforeAll(() => {
  fixtures = createFixtures();
  runtime = new LambdaRuntime({
    region: REGION,
    accountId: ACCOUNT,
    maxWorkersPerFunction: 1,
    functions: [fixtures.def('echo-esm', { memorySize: 128 }), fixtures.def('echo-cjs')],
  });
});

afterAll(async () => {
  await runtime?.close();
  fixtures?.remove();
});

async function call(name: string): Promise<{ pid: number; count: number; context: { memoryLimitInMB: string } }> {
  return json((await runtime.invoke(name, Buffer.from('{}'))).payload);
}

test('an unchanged function keeps its warm worker, a changed one starts anew with its new definition, a removed one is gone', async () => {
  const esm = await call('fixture-echo-esm');
  const cjs = await call('fixture-echo-cjs');
  expect(esm.context.memoryLimitInMB).toBe('128');

  const changes = await runtime.replaceFunctions([fixtures.def('echo-esm', { memorySize: 512 }), fixtures.def('echo-cjs')]);
  expect(changes).toEqual({ added: [], changed: ['fixture-echo-esm'], removed: [] });
  expect(await eventually(() => !isAlive(esm.pid), 5000)).toBe(true);
  const esmAfter = await call('fixture-echo-esm');
  expect(esmAfter.pid).not.toBe(esm.pid);
  expect(esmAfter.context.memoryLimitInMB).toBe('512');
  // The same worker, warm: its second invocation.
  expect(await call('fixture-echo-cjs')).toMatchObject({ pid: cjs.pid, count: 2 });

  expect(await runtime.replaceFunctions([fixtures.def('echo-esm', { memorySize: 512 }), fixtures.def('throws')])).toEqual({
    added: ['fixture-throws'],
    changed: [],
    removed: ['fixture-echo-cjs'],
  });
  expect(await eventually(() => !isAlive(cjs.pid), 5000)).toBe(true);
  await expect(runtime.invoke('fixture-echo-cjs', Buffer.from('{}'))).rejects.toMatchObject({ statusCode: 404 });
  expect(await call('fixture-echo-esm')).toMatchObject({ pid: esmAfter.pid, count: 2 });
});
