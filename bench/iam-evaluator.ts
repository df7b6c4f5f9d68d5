/**
 * `npx ts-node --transpile-only bench/iam-evaluator.ts [evaluations] [--baseline <module>]`: how fast the local
 * cloud's one authorizer decides, on the app's own caller role from a real synth (no bundling): `appsync:GraphQL` on
 * a field the listTodosIam caller is allowed (listTodos) and one it is not (deleteTodo), as every IAM request to the
 * local GraphQL endpoint asks it. Not part of `npm test` or `npm run bench`; prints evaluations per second (best of 5
 * rounds). `--baseline` names another authorizer module exporting the same `authorize` (e.g. a copy of an older
 * local/iam/authorizer.ts) to measure in the same process, rounds interleaved, and print the ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readCloudAssembly } from '../local/cloudformation/cloud-assembly';
import { deployApp } from '../local/deployment';
import { authorize, type RequestFacts } from '../local/iam/authorizer';
import { PrincipalStore } from '../local/iam/principals';
import { LocalIdentity } from '../local/state';
import { synthApp } from '../test/support/synth';

const args = process.argv.slice(2);
const baselineAt = args.indexOf('--baseline');
const baselineModule = baselineAt >= 0 ? path.resolve(args.splice(baselineAt, 2)[1]) : undefined;
const evaluations = Number(args[0] ?? 100_000);
type Authorize = typeof authorize;
const assemblyDir = mkdtempSync(path.join(tmpdir(), 'iam-bench-'));
try {
  synthApp({ outdir: assemblyDir }).app.synth();
  const deployment = deployApp(readCloudAssembly(assemblyDir), {
    region: 'us-east-1',
    identity: LocalIdentity.ephemeral(),
    graphqlBaseUrl: 'http://127.0.0.1:20002',
    workDir: assemblyDir,
  });
  const store = PrincipalStore.fromDeployment(deployment);
  const caller = deployment.functions.find((fn) => /listTodosIam/i.test(fn.logicalId));
  const principal = store.list().find((candidate) => candidate.principalArn.endsWith(`/${caller?.name}`));
  const api = deployment.graphqlApis[0];
  if (!caller || !principal || !api) throw new Error('the app has no listTodosIam caller, its principal or its API');
  const facts: RequestFacts = { sourceIp: '127.0.0.1', secureTransport: true, currentTime: new Date(), requestedRegion: deployment.region };
  const allowed = { action: 'appsync:GraphQL', resource: `${api.arn}/types/Query/fields/listTodos`, facts };
  const denied = { action: 'appsync:GraphQL', resource: `${api.arn}/types/Mutation/fields/deleteTodo`, facts };
  if (!authorize(principal, allowed).allowed || authorize(principal, denied).allowed) throw new Error('unexpected decisions for the caller role');

  const candidates: Array<[string, Authorize]> = [['current', authorize]];
  if (baselineModule) candidates.push(['baseline', (require(baselineModule) as { authorize: Authorize }).authorize]);
  const best = new Map<string, number>();
  for (let round = 0; round < 5; round++) {
    for (const [name, decide] of candidates) {
      for (const [label, request] of [
        ['allowed', allowed],
        ['denied', denied],
      ] as const) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < evaluations; i++) decide(principal, request);
        const perSecond = evaluations / (Number(process.hrtime.bigint() - started) / 1e9);
        const key = `${name} ${label}`;
        best.set(key, Math.max(best.get(key) ?? 0, perSecond));
      }
    }
  }
  const result: Record<string, number | string> = { role: principal.description, policies: principal.policies.length, evaluations };
  for (const [key, perSecond] of best) result[`${key} per second`] = Math.round(perSecond);
  if (baselineModule) {
    for (const label of ['allowed', 'denied'])
      result[`${label}: current / baseline`] = Number((best.get(`current ${label}`)! / best.get(`baseline ${label}`)!).toFixed(2));
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(assemblyDir, { recursive: true, force: true });
}
