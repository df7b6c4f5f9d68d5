import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildProblem, pageHtml, readAsset, refusalHtml } from '../../../local/console/assets';

describe("the console's page", () => {
  let dir: string;
  let dist: string;
  let ui: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'console-assets-'));
    dist = path.join(dir, 'dist');
    ui = path.join(dir, 'ui');
    mkdirSync(ui);
    writeFileSync(path.join(ui, 'main.tsx'), '');
    utimesSync(path.join(ui, 'main.tsx'), new Date(1_000_000), new Date(1_000_000));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const build = () => {
    mkdirSync(dist, { recursive: true });
    for (const name of ['console.js', 'console.css']) writeFileSync(path.join(dist, name), `/* ${name} */`);
  };

  test('not built: says which command builds it', () => {
    expect(buildProblem(dist, ui)).toMatch(/not built: run `npm run build:console`/);
    expect(readAsset('console.js', dist)).toBeUndefined();
  });

  test('built: served; older than a source: says to build again', () => {
    build();
    expect(buildProblem(dist, ui)).toBeUndefined();
    expect(readAsset('console.js', dist)).toEqual({ content: Buffer.from('/* console.js */'), contentType: 'text/javascript; charset=utf-8' });
    utimesSync(path.join(ui, 'main.tsx'), new Date(), new Date(Date.now() + 60_000));
    expect(buildProblem(dist, ui)).toMatch(/older than .*main\.tsx: run `npm run build:console`/);
  });

  test('only the built files are served, never another file of the folder', () => {
    build();
    writeFileSync(path.join(dist, 'console.js.LEGAL.txt'), 'licenses');
    for (const name of ['console.js.LEGAL.txt', '../ui/main.tsx', '__proto__', 'constructor']) expect(readAsset(name, dist)).toBeUndefined();
  });

  test('npm ci (prepare), npm test and npm start build it, with the command the page names', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts['build:console']).toBe('node local/console/build-ui.mjs');
    for (const script of ['prepare', 'pretest']) expect(scripts[script].split(' && ')).toContain('npm run build:console');
    // npm start's prestart builds it in its own process, only when it is missing or older than ui/.
    expect(scripts.prestart).toBe('node local/prestart.mjs');
    const prestart = readFileSync(path.join(__dirname, '..', '..', '..', 'local', 'prestart.mjs'), 'utf8');
    expect(prestart).toContain("script: './console/build-ui.mjs'");
    expect(prestart).toContain("sources: ['console/ui', 'console/build-ui.mjs', '../package-lock.json']");
  });

  test('the shell holds the token for its script, escaped; a refusal page holds only its message', () => {
    expect(pageHtml('tok"en', undefined)).toContain('<meta name="local-console-token" content="tok&#34;en">');
    expect(pageHtml('token', 'not <built>')).toContain('not &#60;built&#62;');
    expect(pageHtml('token', 'not built')).not.toContain('console.js');
    expect(refusalHtml('<script>')).toContain('&#60;script&#62;');
  });
});
