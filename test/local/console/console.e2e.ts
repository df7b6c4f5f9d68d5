/**
 * The local console end to end, in a real browser: `npm start` as a user runs it (a fresh synth; its prestart builds
 * the console's page), the console URL it prints opened in Debian's headless Chromium (Playwright), and:
 * - GraphiQL runs the callers' ListTodos with the API key (served), then signed as the createTodoIam role, which is
 *   not granted listTodos (refused by its real policy: 401 Permission denied);
 * - the Functions tab's Test tab invokes a caller with a saved sample event and shows its result and log; an event
 *   saved there is still there after a reload;
 * - the Tables tab shows the Todo the caller created.
 *
 * Run: `npm run test:e2e:console` (CI runs it after `npm test`; needs `apt-get install -y chromium` or CHROMIUM_PATH).
 * Screenshots and the local cloud's output: test/local/console/artifacts/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
const ARTIFACTS = path.join(__dirname, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The flags CI's Chromium runs with: no sandbox (root), no GPU, nothing reaching the network by itself. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const LONG = { timeout: 15 * 60_000 };
const STEP = { timeout: 120_000 };

const runDir = path.join(PROJECT_ROOT, '.local', 'e2e-console', `run-${process.pid}-${Date.now()}`);
let cloud: ChildProcess | undefined;
let output = '';
let browser: Browser | undefined;
let page: Page;
let consoleUrl: string;
const pageErrors: string[] = [];

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
      await screenshot(`failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
      throw error;
    }
  });
}

async function screenshot(name: string): Promise<void> {
  if (page) await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The environment of `npm start`: none of the machine's AWS settings, nor the npm settings of the npm run that started this test. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('AWS_') || key === 'NODE_OPTIONS' || key.toLowerCase().startsWith('npm_') || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };
}

/** `npm start` in a process group of its own (so that stopping it stops its Lambda workers too): ready when it says so. */
async function startCloud(graphqlPort: number): Promise<void> {
  const log = createWriteStream(path.join(ARTIFACTS, 'local-cloud.log'));
  const args = ['start', '--silent', '--', '--assembly', path.join(runDir, 'cdk.out'), '--state-dir', path.join(runDir, 'state')];
  args.push('--graphql-port', String(graphqlPort), '--lambda-port', '0', '--dynamodb-port', '0');
  const child = spawn('npm', args, { cwd: PROJECT_ROOT, env: cleanEnvironment(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  cloud = child;
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.once('exit', () => log.end());
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local cloud was not ready after 10 minutes:\n${output.slice(-4000)}`)), 10 * 60_000);
    const check = () => {
      if (!output.includes('Press Ctrl-C to stop.')) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve();
    };
    child.stdout?.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the local cloud exited (${code ?? signal}) before it was ready:\n${output.slice(-4000)}`));
    });
  });
}

async function stopCloud(): Promise<void> {
  const child = cloud;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // gone
    }
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

process.on('exit', () => {
  if (cloud?.pid && cloud.exitCode === null && cloud.signalCode === null) {
    try {
      process.kill(-cloud.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** The option of the Auth menu whose label starts with `prefix`. */
async function chooseAuth(prefix: string): Promise<string> {
  const select = page.getByLabel('Auth mode');
  const labels = await select.locator('option').allInnerTexts();
  const label = labels.find((candidate) => candidate.startsWith(prefix));
  assert.ok(label, `the Auth menu offers ${prefix}… (it offers: ${labels.join(', ')})`);
  await select.selectOption({ label });
  return label;
}

/** Runs the operation in the editor and waits for AppSync's status line. */
async function execute(): Promise<string> {
  const status = page.getByTestId('graphql-status');
  const before = (await status.textContent()) ?? '';
  await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
  await page.waitForFunction((previous) => {
    const text = document.querySelector('[data-testid="graphql-status"]')?.textContent ?? '';
    return text.startsWith('HTTP') && text !== previous;
  }, before);
  return (await status.textContent()) ?? '';
}

/** What the response pane shows (CodeMirror renders the lines it shows). */
async function responseText(): Promise<string> {
  return (await page.locator('.graphiql-response .CodeMirror-code').textContent()) ?? '';
}

describe('the local console in Chromium', { timeout: 30 * 60_000 }, () => {
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    mkdirSync(runDir, { recursive: true });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await stopCloud();
    rmSync(runDir, { recursive: true, force: true });
  });

  step('npm start synthesizes, starts and prints the console URL with its token', LONG, async () => {
    await startCloud(await freePort());
    const printed = /^ {2}Console: +(\S+)$/m.exec(output)?.[1];
    assert.match(printed ?? '', /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/, 'npm start prints the console URL');
    consoleUrl = printed as string;
  });

  step('the printed URL opens the console in Chromium, and the token leaves the address bar', STEP, async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(consoleUrl);
    assert.equal(new URL(page.url()).search, '', 'redirected to the bare URL');
    await page.getByRole('heading', { name: 'Local console' }).waitFor();
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).waitFor();
    await screenshot('01-graphiql');
  });

  step("GraphiQL runs the callers' ListTodos with the API key", STEP, async () => {
    await page.getByRole('button', { name: 'Show Examples' }).click();
    await page.getByRole('button', { name: "ListTodos (callers' LIST_TODOS)" }).click();
    await chooseAuth('API key');
    const status = await execute();
    assert.match(status, /^HTTP 200\b/);
    assert.match(await responseText(), /"listTodos"/);
    await screenshot('02-api-key-served');
  });

  step('the same query signed as the createTodoIam role is refused by its policy (it lacks listTodos)', STEP, async () => {
    const label = await chooseAuth('IAM: createTodoIam');
    const status = await execute();
    assert.match(status, /^HTTP 401 UnauthorizedException · signed as arn:aws:sts::\d+:assumed-role\/TodoCallers-dev-createTodoIam/, `refused under ${label}`);
    assert.match(await responseText(), /Permission denied/);
    await screenshot('03-role-refused');
    await chooseAuth('IAM: listTodosIam');
    assert.match(await execute(), /^HTTP 200\b/, 'the role granted listTodos is served');
  });

  step('the GraphiQL docs show the schema', STEP, async () => {
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.getByText('Root Types').waitFor();
    await page
      .locator('.graphiql-doc-explorer-type-name', { hasText: /^Query$/ })
      .first()
      .click();
    await page.locator('.graphiql-doc-explorer-field-name', { hasText: /^listTodos$/ }).waitFor();
    await screenshot('04-docs');
  });

  step("the Test tab invokes a caller with the README's sample event and shows its result, status, duration and log", STEP, async () => {
    await page.getByRole('tab', { name: 'Functions' }).click();
    await page.getByRole('button', { name: /^createTodoApiKey/ }).click();
    await page.getByLabel('Saved event').selectOption('buy-milk');
    assert.match(await page.getByLabel('Event JSON').inputValue(), /"name": "Buy milk"/);
    await page.getByRole('button', { name: 'Invoke' }).click();
    const result = page.getByTestId('execution-result');
    await result.getByRole('heading', { name: 'Execution result: succeeded' }).waitFor({ timeout: 60_000 });
    const response = JSON.parse((await page.getByTestId('execution-response').textContent()) ?? '') as { statusCode: number; body: string };
    assert.equal(response.statusCode, 200);
    assert.equal((JSON.parse(response.body) as { data: { createTodo: { name: string } } }).data.createTodo.name, 'Buy milk');
    assert.match((await page.getByTestId('execution-duration').textContent()) ?? '', /^\d+\.\d\d ms$/);
    const log = (await page.getByTestId('execution-log').textContent()) ?? '';
    assert.match(log, /START RequestId: [0-9a-f-]{36} Version: \$LATEST/);
    assert.match(log, /REPORT RequestId: [0-9a-f-]{36}\s+Duration: /);
    await screenshot('05-test-tab-result');
  });

  step('an event saved in the Test tab is still there after a reload (saved in the state directory)', STEP, async () => {
    await page.getByLabel('Saved event').selectOption({ label: 'New event…' });
    await page.getByLabel('Event name').fill('from-chromium');
    await page.getByLabel('Event JSON').fill('{"name": "Saved in Chromium"}');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved test event from-chromium.' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: /^createTodoApiKey/ }).click();
    await page.getByLabel('Saved event').selectOption('from-chromium');
    assert.match(await page.getByLabel('Event JSON').inputValue(), /Saved in Chromium/);
    assert.ok(existsSync(path.join(runDir, 'state', 'console', 'test-events')), 'saved under the state directory');
  });

  step('the Tables tab shows the Todo the caller created', STEP, async () => {
    await page.getByRole('tab', { name: 'Tables' }).click();
    const items = page.getByTestId('items');
    await items.getByRole('cell', { name: 'Buy milk', exact: true }).waitFor();
    await screenshot('06-tables');
    assert.deepEqual(pageErrors, [], 'no script error on the page');
  });
});
