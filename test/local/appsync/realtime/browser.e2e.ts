/**
 * End to end in headless Chromium (Debian's, through playwright-core): the local cloud from a real synth, a page
 * whose Amplify JS (6.22.1, bundled by esbuild) is configured with the local amplifyconfiguration.json and nothing
 * else, subscribed to onCreateTodo with the API key and with IAM, receiving each Todo created through the API, a role
 * without the field refused on start, and the server holding nothing after unsubscribe.
 *
 * Amplify dials wss:// for the local http:// URL; the AppSync port speaks TLS with the local authority's certificate,
 * which this browser trusts the way a developer's would after trusting .local/tls/ca.pem, here by its key
 * (--ignore-certificate-errors-spki-list, honoured with a user data dir: nothing else about certificates is relaxed).
 *
 * Run: `npm run test:e2e:realtime` (needs /usr/bin/chromium or CHROMIUM_PATH). Screenshots and the measured
 * latencies: .local/e2e-realtime/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { authorize } from '../../../../local/iam/authorizer';
import { type LocalCloudHandle, PROJECT_ROOT, startTestCloud, synthAssembly } from '../../../support/local-cloud-harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(PROJECT_ROOT, '.local', 'e2e-realtime');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let assembly: ReturnType<typeof synthAssembly>;
let stateDir: string;
let userDataDir: string;
let local: LocalCloudHandle;
let pageServer: http.Server;
let context: BrowserContext;
let page: Page;
const measured: Record<string, number> = {};

type Received = { subscription: string; todo: { id: string; name: string | null }; at: number };

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  assembly = synthAssembly('e2e-realtime');
  stateDir = mkdtempSync(path.join(tmpdir(), 'e2e-realtime-state-'));
  local = await startTestCloud({ assemblyDir: assembly.dir, stateDir });
  pageServer = await servePage();
  userDataDir = mkdtempSync(path.join(tmpdir(), 'e2e-realtime-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, `--ignore-certificate-errors-spki-list=${local.cloud.tls.spkiSha256}`],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') local.logLines.push(`browser console: ${message.text()}`);
  });
  await page.goto(`http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`);
  await page.waitForSelector('body[data-ready="true"]');
  const config = JSON.parse(readFileSync(local.cloud.files.amplifyConfiguration as string, 'utf8')) as Record<string, unknown>;
  await page.evaluate((given) => pageApi().configure(given), config);
}, 10 * 60_000);

afterAll(async () => {
  writeFileSync(path.join(ARTIFACTS, 'latency.json'), `${JSON.stringify(measured, null, 2)}\n`);
  await context?.close();
  await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
  await local?.close();
  assembly?.remove();
  for (const dir of [stateDir, userDataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

/** In the page: the API page.ts puts on window. */
declare function pageApi(): {
  received: Received[];
  errors: Array<{ subscription: string; error: string }>;
  connectionStates: string[];
  configure(config: Record<string, unknown>): void;
  useCredentials(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): void;
  subscribe(name: string, authMode: 'apiKey' | 'iam'): void;
  unsubscribe(name: string): void;
};

async function servePage(): Promise<http.Server> {
  const bundle = await build({
    entryPoints: [path.join(__dirname, 'browser', 'page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  // pageApi() in the test's page.evaluate callbacks reads what page.ts put on window.
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>onCreateTodo</title></head><body><h1>onCreateTodo</h1><ul id="log"></ul>
<script>window.pageApi = () => window.realtimeTest;</script><script src="/page.js"></script></body></html>`;
  const server = http.createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      await page.screenshot({ path: path.join(ARTIFACTS, `timeout-${what.replace(/\W+/g, '-')}.png`) });
      const state = await page.evaluate(() => ({ errors: pageApi().errors, states: pageApi().connectionStates }));
      throw new Error(`timed out waiting for ${what}; page: ${JSON.stringify(state)}; log tail: ${local.logLines.slice(-15).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const received = () => page.evaluate(() => pageApi().received);
const subscriptionsHeld = () => local.cloud.appsync.realtimeState().subscriptions;

/** Creates a Todo through the API (the API key, over HTTP) and returns when it was sent and answered. */
async function createTodo(name: string): Promise<{ id: string; sentAt: number; answeredAt: number }> {
  const sentAt = Date.now();
  const response = await local.graphql(
    JSON.stringify({ query: 'mutation C($input: CreateTodoInput!) { createTodo(input: $input) { id name } }', variables: { input: { name } } }),
  );
  const answeredAt = Date.now();
  const id = (response.json as { data: { createTodo: { id: string } } }).data.createTodo.id;
  return { id, sentAt, answeredAt };
}

test('GIVEN a page subscribed to onCreateTodo with the API key WHEN a Todo is created through the API THEN the page receives it', async () => {
  await page.evaluate(() => pageApi().subscribe('key', 'apiKey'));
  await until('the API key subscription to be registered', () => subscriptionsHeld() === 1);
  const created = await createTodo('seen in Chromium');
  await until('the Todo to reach the page', async () => (await received()).some((r) => r.todo.id === created.id));
  const arrival = (await received()).find((r) => r.todo.id === created.id) as Received;
  expect(arrival).toMatchObject({ subscription: 'key', todo: { id: created.id, name: 'seen in Chromium' } });
  measured.apiKeyFromRequestMs = arrival.at - created.sentAt;
  measured.apiKeyAfterResponseMs = arrival.at - created.answeredAt;
  await page.screenshot({ path: path.join(ARTIFACTS, 'api-key.png') });
});

test('GIVEN a second subscription with IAM (the local admin) WHEN a Todo is created THEN both subscriptions receive it', async () => {
  const admin = local.cloud.services.principals.list().find((principal) => principal.isAdmin);
  const secret = admin ? local.cloud.services.principals.credentials(admin.accessKeyId) : undefined;
  expect(secret).toBeDefined();
  await page.evaluate((credentials) => pageApi().useCredentials(credentials), {
    accessKeyId: admin?.accessKeyId as string,
    secretAccessKey: secret?.secretAccessKey as string,
    sessionToken: secret?.sessionToken,
  });
  await page.evaluate(() => pageApi().subscribe('iam', 'iam'));
  await until('the IAM subscription to be registered', () => subscriptionsHeld() === 2);
  const created = await createTodo('seen twice');
  await until('the Todo to reach both', async () => (await received()).filter((r) => r.todo.id === created.id).length === 2);
  const arrivals = (await received()).filter((r) => r.todo.id === created.id);
  expect(arrivals.map((r) => r.subscription).sort()).toEqual(['iam', 'key']);
  measured.iamFromRequestMs = (arrivals.find((r) => r.subscription === 'iam') as Received).at - created.sentAt;
  expect(local.cloud.appsync.realtimeState().connections).toBe(1);
});

test('GIVEN both subscriptions WHEN the page unsubscribes THEN the server holds no subscription and no connection, and a new Todo reaches nobody', async () => {
  await page.evaluate(() => {
    pageApi().unsubscribe('key');
    pageApi().unsubscribe('iam');
  });
  await until('the server to let go', () => {
    const state = local.cloud.appsync.realtimeState();
    return state.subscriptions === 0 && state.connections === 0;
  });
  const before = (await received()).length;
  await createTodo('after unsubscribe');
  expect(local.cloud.appsync.realtimeState()).toEqual({ connections: 0, subscriptions: 0 });
  expect((await received()).length).toBe(before);
  await page.screenshot({ path: path.join(ARTIFACTS, 'after-unsubscribe.png') });
});

// Last: Amplify's credentials are the app's, so every IAM subscription would sign with this role from now on.
test('GIVEN a role not granted Subscription.onCreateTodo WHEN the page subscribes with it THEN the start is refused and nothing is held for it', async () => {
  const api = local.cloud.deployment.graphqlApis[0];
  const resource = `${api.arn}/types/Subscription/fields/onCreateTodo`;
  const facts = { secureTransport: true, currentTime: new Date(), requestedRegion: local.cloud.deployment.region };
  const role = local.cloud.services.principals
    .list()
    .find((principal) => !principal.isAdmin && !authorize(principal, { action: 'appsync:GraphQL', resource, facts }).allowed);
  expect(role).toBeDefined();
  const secret = local.cloud.services.principals.credentials(role?.accessKeyId as string);
  await page.evaluate((credentials) => pageApi().useCredentials(credentials), {
    accessKeyId: role?.accessKeyId as string,
    secretAccessKey: secret?.secretAccessKey as string,
    sessionToken: secret?.sessionToken,
  });
  await page.evaluate(() => pageApi().subscribe('refused', 'iam'));
  await until('the refusal to reach the page', async () => (await page.evaluate(() => pageApi().errors)).some((e) => e.subscription === 'refused'));
  await page.evaluate(() => pageApi().unsubscribe('refused'));
  expect(local.logLines.join('\n')).toMatch(/start id=\S+ refused \[.*Subscription\.onCreateTodo implicitly denied/);
  await until('the server to let go', () => {
    const state = local.cloud.appsync.realtimeState();
    return state.subscriptions === 0 && state.connections === 0;
  });
  await page.screenshot({ path: path.join(ARTIFACTS, 'refused.png') });
});
