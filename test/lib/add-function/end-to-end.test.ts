/**
 * The "done when", on a copy of the project: `npm run add-function -- --name readTodoProbe --auth iam
 * --operations getTodo --yes`, a real synth of the copy, the local cloud, and `aws lambda invoke` of the new function
 * (through the Invoke API, with the AWS SDK) returning the Todo; its role is allowed getTodo and refused createTodo.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type LocalCloudHandle, startTestCloud } from '../../support/local-cloud-harness';
import { copyProject, PROJECT_ROOT, type ProjectCopy } from '../../support/project-copy';

const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

describe('a caller added with npm run add-function, deployed to the local cloud', () => {
  let copy: ProjectCopy;
  let stateDir: string;
  let local: LocalCloudHandle;

  beforeAll(async () => {
    // Inside the project: CDK bundles entries under its project root only, and the bundles find @aws-sdk/* above them.
    copy = copyProject({ full: true, inside: path.join(PROJECT_ROOT, '.local', 'add-function-e2e') });
    execFileSync(process.execPath, [...TS_NODE, 'bin/add-function.ts', '--name', 'readTodoProbe', '--auth', 'iam', '--operations', 'getTodo', '--yes'], {
      cwd: copy.root,
      stdio: 'pipe',
    });
    execFileSync(process.execPath, [...TS_NODE, '-e', "require('./test/support/synth').synthApp({ bundle: true, outdir: 'cdk.out' }).app.synth()"], {
      cwd: copy.root,
      stdio: 'pipe',
    });
    stateDir = mkdtempSync(path.join(tmpdir(), 'add-function-e2e-'));
    local = await startTestCloud({ assemblyDir: path.join(copy.root, 'cdk.out'), stateDir, inMemory: true });
  }, 300_000);
  afterAll(async () => {
    await local?.close();
    copy?.remove();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  test('invoking it returns the Todo', async () => {
    const created = await local.graphql(JSON.stringify({ query: 'mutation { createTodo(input: {name: "added"}) { id } }' }));
    const { id } = (created.json as { data: { createTodo: { id: string } } }).data.createTodo;
    const result = await local.invokeCaller('ReadTodoProbeFunctionName', { id });
    expect(result.functionError).toBeUndefined();
    expect(result).toMatchObject({ statusCode: 200, body: { data: { getTodo: { id, name: 'added', __typename: 'Todo' } } } });
  });

  test('a bad event is answered 400, naming the variable', async () => {
    const result = await local.invokeCaller('ReadTodoProbeFunctionName', { id: 7, extra: true });
    expect(result.statusCode).toBe(400);
    expect(result.body).toEqual({
      errorType: 'InvalidEvent',
      message: 'Invalid GetTodo event: unknown field "extra": the event accepts only id; id must be a non-empty string, got the number 7',
    });
  });

  test('its role is allowed getTodo and refused createTodo', async () => {
    const role = local.cloud.deployment.roles.find((candidate) => candidate.logicalId.startsWith('readTodoProbeFunctionServiceRole'))!;
    const profile = local.cloud.services.principals.principal(role.credentials.accessKeyId)!.profileName;
    const allowed = await local.signedGraphql(JSON.stringify({ query: 'query { getTodo(id: "x") { id } }' }), { profile });
    expect(allowed).toEqual({ status: 200, json: { data: { getTodo: null } } });
    const refused = await local.signedGraphql(JSON.stringify({ query: 'mutation { createTodo(input: {name: "no"}) { id } }' }), { profile });
    expect(refused).toEqual({ status: 401, json: { errors: [{ errorType: 'UnauthorizedException', message: 'Permission denied' }] } });
  });
});
