/**
 * The console's page: the HTML shell, and the script and stylesheet `npm run build:console` compiles from ui/ with
 * esbuild (build-ui.mjs → dist/, git-ignored; `npm ci`, `npm test` and `npm start` run it). Everything is served from
 * here: no CDN, nothing from the network.
 *
 * A missing or stale build does not stop the local cloud: the page says which command to run.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const CONSOLE_BUILD_COMMAND = 'npm run build:console';
const UI_DIR = path.join(__dirname, 'ui');
const DIST_DIR = path.join(__dirname, 'dist');

/** The files of the build, by the name the page asks for. */
export const ASSETS: Readonly<Record<string, string>> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/** Why the page cannot be shown as built, or undefined when it can. */
export function buildProblem(distDir = DIST_DIR, uiDir = UI_DIR): string | undefined {
  const builtAt = Math.min(...Object.keys(ASSETS).map((name) => statSync(path.join(distDir, name), { throwIfNoEntry: false })?.mtimeMs ?? -1));
  if (builtAt < 0) return `The console's page is not built: run \`${CONSOLE_BUILD_COMMAND}\` (npm ci, npm test and npm start run it), then reload.`;
  const newest = newestSource(uiDir);
  if (newest && newest.mtimeMs > builtAt) {
    return `The console's page is older than ${path.relative(path.join(__dirname, '..', '..'), newest.file)}: run \`${CONSOLE_BUILD_COMMAND}\`, then reload.`;
  }
  return undefined;
}

function newestSource(directory: string): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  let entries: Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true, recursive: true });
  } catch {
    // A copy of the local cloud without the sources (a bundle): only the build counts.
    return undefined;
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(file);
    if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

const cache = new Map<string, { mtimeMs: number; content: Buffer }>();

/** A built asset, read again only when the build changed; undefined when it is not built. */
export function readAsset(name: string, distDir = DIST_DIR): { content: Buffer; contentType: string } | undefined {
  if (!Object.hasOwn(ASSETS, name)) return undefined;
  const file = path.join(distDir, name);
  const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
  if (mtimeMs === undefined) return undefined;
  let entry = cache.get(file);
  if (!entry || entry.mtimeMs !== mtimeMs) cache.set(file, (entry = { mtimeMs, content: readFileSync(file) }));
  return { content: entry.content, contentType: ASSETS[name] };
}

/** The meta element the page's script reads the token from. */
export const TOKEN_META_NAME = 'local-console-token';

/** The page: the shell the script fills in, holding this start's token for the script's API requests. */
export function pageHtml(token: string, problem: string | undefined): string {
  const body = problem
    ? `<main class="console-message"><h1>Local console</h1><p>${escapeHtml(problem)}</p></main>`
    : '<div id="root"></div><noscript>The local console needs JavaScript.</noscript>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="${TOKEN_META_NAME}" content="${escapeHtml(token)}">
<title>Local console</title>
${problem ? '' : '<link rel="stylesheet" href="/console/assets/console.css">\n<script src="/console/assets/console.js" defer></script>'}
</head>
<body>
${body}
</body>
</html>
`;
}

/** The page a request without this start's token gets: what to do, never the token. */
export function refusalHtml(message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Local console</title></head>
<body><main><h1>Local console</h1><p>${escapeHtml(message)}</p></main></body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
