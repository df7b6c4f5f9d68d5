/**
 * End to end, in a real browser: the local cloud from a fresh `cdk synth` (as `npm start` runs it), the example
 * prepared for it (`npm run prepare:local`), type-checked, built with the API down (`next build`: every page that
 * reads data is dynamic), started (`next start` on 127.0.0.1), and driven by Playwright in Debian's Chromium:
 * every page and route shows the Todos the API has, the Server Action's form creates one, the IAM pages and routes
 * sign with the Next.js server's role (NextjsServerRole's profile) and are allowed its fields and refused deleteTodo,
 * two identities at once never mix, and with the API down every page says why in words.
 *
 * Run: `npm run test:e2e:nextjs` at the repository root. Screenshots and logs: examples/nextjs/e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createIamServerRunner } from '../src/utils/amplify-iam';
import { describeApiError, isUnauthorized } from '../src/utils/errors';
import { ARTIFACTS_DIR, EXAMPLE_DIR, PROJECT_ROOT, cleanEnvironment, freePort, parseCredentialsFile, runToEnd, startLocalCloud, startNext, type RunningProcess } from './harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SERVER_PROFILE = 'NextjsServerRole';
const PREPARED_FILES = ['amplifyconfiguration.json', 'amplify_outputs.json', '.env.local'];
const SCREENSHOTS = path.join(ARTIFACTS_DIR, 'screenshots');
const LONG = { timeout: 15 * 60_000 };
const STEP = { timeout: 120_000 };

const runDir = path.join(PROJECT_ROOT, '.local', 'e2e-nextjs', `run-${process.pid}-${Date.now()}`);
const assemblyDir = path.join(runDir, 'cdk.out');
const stateDir = path.join(runDir, 'state');
const backupDir = path.join(runDir, 'user-files');

let graphqlPort: number;
let cloud: RunningProcess | undefined;
let next: RunningProcess | undefined;
let context: BrowserContext | undefined;
let page: Page;
let baseUrl: string;
let userDataDir: string;
/** amplifyconfiguration.json as the product writes it (lib/client-config.ts). */
let config: {
  aws_project_region: string;
  aws_appsync_graphqlEndpoint: string;
  aws_appsync_region: string;
  aws_appsync_authenticationType: string;
  aws_appsync_apiKey: string;
  aws_appsync_additionalAuthenticationTypes: string;
};

/** The steps depend on each other: once one fails, the rest are skipped (and say which one failed). */
let failedStep: string | undefined;
function step(name: string, options: { timeout: number }, fn: () => Promise<void>): void {
  test(name, options, async (t) => {
    if (failedStep) {
      t.skip(`an earlier step failed: ${failedStep}`);
      return;
    }
    try {
      await fn();
    } catch (error) {
      failedStep = name;
      throw error;
    }
  });
}

type Todo = { id: string; name?: string | null };

/** The API itself, with the API key: what the pages must show. */
async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(config.aws_appsync_graphqlEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': config.aws_appsync_apiKey },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  assert.equal(body.errors, undefined, `the API answered with errors: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}
const apiTodos = async () => (await graphql<{ listTodos: { items: Todo[] } }>('query { listTodos(limit: 1000) { items { id name } } }')).listTodos.items;
const apiCreate = async (name: string) => (await graphql<{ createTodo: Todo }>('mutation ($input: CreateTodoInput!) { createTodo(input: $input) { id name } }', { input: { name } })).createTodo;

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The Todo names a page lists (TodoList's markup). */
async function listedNames(): Promise<string[]> {
  return page.getByTestId('todo').locator('strong').allInnerTexts();
}

async function expectPageListsEveryTodo(urlPath: string, shot: string): Promise<void> {
  const expected = (await apiTodos()).map((todo) => todo.name ?? '(no name)').sort();
  assert.ok(expected.length >= 2, 'the API has Todos to show');
  const response = await page.goto(`${baseUrl}${urlPath}`);
  assert.equal(response?.status(), 200, `${urlPath} answered ${response?.status()}`);
  await page.getByTestId('todos').waitFor();
  assert.deepEqual((await listedNames()).sort(), expected, `${urlPath} lists exactly the API's Todos`);
  assert.equal(await page.getByTestId('api-error').count(), 0);
  await screenshot(shot);
}

/** A JSON route, requested by the page (the browser's fetch). */
async function browserFetch(urlPath: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: { todos?: Todo[]; todo?: Todo; error?: string } }> {
  return page.evaluate(
    async ({ url, method, body }) => {
      const response = await fetch(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, body: await response.json() };
    },
    { url: `${baseUrl}${urlPath}`, method: init.method ?? 'GET', body: init.body },
  );
}

async function startCloud(synth: boolean, name: string): Promise<void> {
  cloud = await startLocalCloud({ assemblyDir, stateDir, graphqlPort, synth, name });
}

describe('examples/nextjs in Chromium against the local cloud', { timeout: 30 * 60_000 }, () => {
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    mkdirSync(backupDir, { recursive: true });
    // The test prepares the example for its own local cloud; what a user prepared is put back afterwards.
    for (const name of PREPARED_FILES) if (existsSync(path.join(EXAMPLE_DIR, name))) copyFileSync(path.join(EXAMPLE_DIR, name), path.join(backupDir, name));
    graphqlPort = await freePort();
  }, LONG);

  after(async () => {
    await context?.close().catch(() => undefined);
    await next?.stop();
    await cloud?.stop();
    for (const name of PREPARED_FILES) {
      rmSync(path.join(EXAMPLE_DIR, name), { force: true });
      if (existsSync(path.join(backupDir, name))) copyFileSync(path.join(backupDir, name), path.join(EXAMPLE_DIR, name));
    }
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  }, LONG);

  step('the local cloud starts from a fresh synth, and prepare:local writes the config and the server role\'s profile', LONG, async () => {
    await startCloud(true, 'local-cloud-synth');
    await runToEnd('prepare-local', process.execPath, [path.join(EXAMPLE_DIR, 'scripts', 'prepare.mjs'), 'local', '--state-dir', stateDir], { cwd: EXAMPLE_DIR, env: cleanEnvironment(), timeoutMs: 60_000 });
    config = JSON.parse(readFileSync(path.join(EXAMPLE_DIR, 'amplifyconfiguration.json'), 'utf8'));
    assert.equal(config.aws_appsync_graphqlEndpoint, `http://127.0.0.1:${graphqlPort}/graphql`);
    const env = readFileSync(path.join(EXAMPLE_DIR, '.env.local'), 'utf8');
    assert.match(env, new RegExp(`^AWS_PROFILE=${SERVER_PROFILE}$`, 'm'));
    assert.match(env, new RegExp(`^AWS_SHARED_CREDENTIALS_FILE=${path.join(stateDir, 'credentials').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
    await apiCreate('Buy milk');
    await apiCreate('Write the e2e test');
  });

  step('the example type-checks under strict with the generated API types', LONG, async () => {
    await runToEnd('tsc', process.execPath, [path.join(EXAMPLE_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', EXAMPLE_DIR], { cwd: EXAMPLE_DIR, env: cleanEnvironment(), timeoutMs: 5 * 60_000 });
  });

  step('next build succeeds with the API down, and every page that reads data is dynamic', LONG, async () => {
    await cloud!.stop();
    cloud = undefined;
    await assert.rejects(fetch(config.aws_appsync_graphqlEndpoint), 'the API is down during the build');
    const output = await runToEnd('next-build', process.execPath, [path.join(EXAMPLE_DIR, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
      cwd: EXAMPLE_DIR,
      env: cleanEnvironment({ NODE_ENV: 'production' }),
      timeoutMs: 10 * 60_000,
    });
    const prerendered = Object.keys((JSON.parse(readFileSync(path.join(EXAMPLE_DIR, '.next', 'prerender-manifest.json'), 'utf8')) as { routes: Record<string, unknown> }).routes);
    for (const route of ['/', '/iam', '/proxy', '/ssr', '/api/todos', '/api/iam/todos', '/api/pages/todos']) {
      assert.ok(!prerendered.includes(route), `${route} was rendered at build time`);
      assert.match(output, new RegExp(`ƒ ${route.replace(/\//g, '\\/')}\\n`), `next build lists ${route} as dynamic`);
    }
  });

  step('the local cloud comes back with the same key and data; next start and Chromium start', LONG, async () => {
    await startCloud(false, 'local-cloud');
    assert.equal((await apiTodos()).length, 2);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    next = await startNext(port);
    userDataDir = mkdtempSync(path.join(tmpdir(), 'e2e-nextjs-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
  });

  step('React Server Component (cookie-based client, API key) lists the Todos', STEP, async () => {
    await expectPageListsEveryTodo('/', 'rsc-list');
  });

  step('the Server Action\'s form creates a Todo and the list shows it', STEP, async () => {
    const name = `Created in Chromium ${Date.now()}`;
    await page.goto(`${baseUrl}/`);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Description').fill('through the Server Action');
    await page.getByRole('button', { name: 'Create Todo' }).click();
    await page.getByTestId('create-form-result').filter({ hasText: `Created "${name}"` }).waitFor();
    await page.getByTestId('todo').filter({ hasText: name }).waitFor();
    assert.ok((await apiTodos()).some((todo) => todo.name === name), 'the API has the new Todo');
    await screenshot('server-action-created');
    // A reload shows it too: the page is rendered per request, not cached.
    await page.reload();
    await page.getByTestId('todo').filter({ hasText: name }).waitFor();
  });

  step('Route Handler: GET lists the Todos, POST creates one', STEP, async () => {
    const response = await page.goto(`${baseUrl}/api/todos`);
    assert.equal(response?.status(), 200);
    const listed = ((await response!.json()) as { todos: Todo[] }).todos.map((t) => t.id).sort();
    assert.deepEqual(listed, (await apiTodos()).map((t) => t.id).sort());
    await screenshot('route-handler-get');
    const created = await browserFetch('/api/todos', { method: 'POST', body: { name: 'Posted to the Route Handler' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.ok((await apiTodos()).some((t) => t.id === created.body.todo?.id));
    assert.equal((await browserFetch('/api/todos', { method: 'POST', body: {} })).status, 400);
  });

  step('proxy (middleware, req/res-based client) hands the page the Todos', STEP, async () => {
    await expectPageListsEveryTodo('/proxy', 'proxy');
  });

  step('Pages Router: getServerSideProps lists the Todos', STEP, async () => {
    await expectPageListsEveryTodo('/ssr', 'pages-getserversideprops');
  });

  step('Pages Router API route: GET lists the Todos, POST creates one', STEP, async () => {
    const listed = await browserFetch('/api/pages/todos');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.todos!.map((t) => t.id).sort(), (await apiTodos()).map((t) => t.id).sort());
    const created = await browserFetch('/api/pages/todos', { method: 'POST', body: { name: 'Posted to the Pages API route' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.ok((await apiTodos()).some((t) => t.id === created.body.todo?.id));
    assert.equal((await browserFetch('/api/pages/todos', { method: 'DELETE' })).status, 405);
  });

  step('IAM page, signed with the server\'s role: lists, creates, and is refused deleteTodo', STEP, async () => {
    await expectPageListsEveryTodo('/iam', 'iam-list');
    const name = `Created with IAM ${Date.now()}`;
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create Todo with IAM' }).click();
    await page.getByTestId('iam-create-form-result').filter({ hasText: 'with IAM' }).waitFor();
    await page.getByTestId('todo').filter({ hasText: name }).waitFor();
    const before = await apiTodos();
    await page.getByRole('button', { name: /not granted/ }).click();
    const refusal = page.getByTestId('iam-delete-form-result');
    await refusal.waitFor();
    assert.equal(await refusal.getAttribute('data-ok'), 'false');
    // The role has no statement for Mutation.deleteTodo: AppSync refuses the whole request (401 UnauthorizedException).
    assert.match(await refusal.innerText(), /^Could not delete the Todo with IAM: Unauthorized \(HTTP 401 UnauthorizedException: Permission denied\)$/);
    assert.equal((await apiTodos()).length, before.length, 'nothing was deleted');
    await screenshot('iam-delete-refused');
    // The local cloud saw the server's role, not the admin profile.
    assert.match(cloud!.output(), /mode=AWS_IAM principal=arn:aws:sts::\d+:assumed-role\/[^/ ]*NextjsServerRole[^ ]* op="mutation DeleteTodo" \[Mutation\.deleteTodo implicitly denied[^\n]*-> 401/);
    assert.match(cloud!.output(), /Mutation\.createTodo allowed by [^ ]*NextjsServerRoleDefaultPolicy/);
  });

  step('IAM Route Handlers: allowed listTodos, createTodo and getTodo, refused deleteTodo (403 Unauthorized)', STEP, async () => {
    const listed = await browserFetch('/api/iam/todos');
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(listed.body.todos!.map((t) => t.id).sort(), (await apiTodos()).map((t) => t.id).sort());
    const created = await browserFetch('/api/iam/todos', { method: 'POST', body: { name: 'Posted with IAM' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.todo!.id;
    const got = await browserFetch(`/api/iam/todos/${id}`);
    assert.equal(got.status, 200, JSON.stringify(got.body));
    assert.equal(got.body.todo?.name, 'Posted with IAM');
    const deleted = await browserFetch(`/api/iam/todos/${id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 403, JSON.stringify(deleted.body));
    assert.equal(deleted.body.error, 'Unauthorized (HTTP 401 UnauthorizedException: Permission denied)');
    assert.ok((await apiTodos()).some((t) => t.id === id), 'the Todo is still there');
    const response = await page.goto(`${baseUrl}/api/iam/todos/${id}`);
    assert.equal(response?.status(), 200);
    await screenshot('iam-route-get-todo');
  });

  step('two identities at once against the local cloud never mix: the server role may create, a list-only role may not', STEP, async () => {
    const profiles = parseCredentialsFile(readFileSync(path.join(stateDir, 'credentials'), 'utf8'));
    const server = profiles.get(SERVER_PROFILE);
    const listOnlyName = [...profiles.keys()].find((name) => name.startsWith('listTodosIamFunctionServiceRole'));
    assert.ok(server && listOnlyName, 'both role profiles are in .local/credentials');
    const listOnly = profiles.get(listOnlyName)!;
    const { runWithIamServerContext, iamClient } = createIamServerRunner({ config });
    const jitter = <T>(value: T) => async () => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
      return value;
    };
    const mutation = 'mutation ($input: CreateTodoInput!) { createTodo(input: $input) { id name } }';
    const attempts = Array.from({ length: 16 }, (_, i) => {
      const asServer = i % 2 === 0;
      return runWithIamServerContext((contextSpec) => iamClient.graphql(contextSpec, { query: mutation, variables: { input: { name: `concurrent ${i}` } } }) as Promise<unknown>, {
        credentials: jitter(asServer ? server : listOnly),
      }).then(
        () => ({ i, asServer, allowed: true, unauthorized: false, error: '' }),
        (error: unknown) => ({ i, asServer, allowed: false, unauthorized: isUnauthorized(error), error: describeApiError(error) }),
      );
    });
    for (const outcome of await Promise.all(attempts)) {
      if (outcome.asServer) assert.deepEqual(outcome, { ...outcome, allowed: true }, `request ${outcome.i} (server role) was refused: ${outcome.error}`);
      else assert.deepEqual(outcome, { ...outcome, allowed: false, unauthorized: true }, `request ${outcome.i} (list-only role) got through or failed otherwise: ${outcome.error}`);
    }
  });

  step('with the API down, every page says why in words and the routes answer 502', STEP, async () => {
    await cloud!.stop();
    cloud = undefined;
    for (const [urlPath, shot] of [['/', 'api-down-rsc'], ['/iam', 'api-down-iam'], ['/proxy', 'api-down-proxy'], ['/ssr', 'api-down-ssr']] as const) {
      const response = await page.goto(`${baseUrl}${urlPath}`);
      assert.equal(response?.status(), 200, `${urlPath} still renders`);
      const alert = page.getByTestId('api-error');
      await alert.waitFor();
      const text = await alert.innerText();
      assert.match(text, /^Could not list the Todos \([^)]+\): \S/);
      assert.doesNotMatch(text, /\n\s+at |undefined|\[object Object\]/);
      await screenshot(shot);
    }
    for (const urlPath of ['/api/todos', '/api/iam/todos', '/api/pages/todos']) {
      const answer = await browserFetch(urlPath);
      assert.equal(answer.status, 502, `${urlPath}: ${JSON.stringify(answer.body)}`);
      assert.ok(answer.body.error && answer.body.error.length > 0);
    }
  });
});
