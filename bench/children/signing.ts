/**
 * Microseconds per signed request, ours against the docs-style twin's, interleaved in short rounds:
 * - ours: what the IAM client does per attempt (lambda/shared/iam-auth.ts): the role's credentials from the
 *   environment (as inside Lambda), then the SigV4 headers from the project's SigV4 core (lambda/shared/sigv4.ts:
 *   @smithy/signature-v4 hashing with node:crypto);
 * - twin: what the docs-style handler does per invocation: `new SignatureV4({ credentials: defaultProvider(), ... })`
 *   with @aws-crypto/sha256-js, `new HttpRequest(...)`, `await signer.sign(...)` (the chain resolves from the
 *   environment too: the runner gives this process Lambda-like variables and no AWS config files);
 * - sdk: the SDK's current signer (@smithy/signature-v4 + @aws-crypto/sha256-js) with fixed credentials, for reference:
 *   the same library as ours, so the difference is what the node:crypto hash (and reading the environment) costs.
 * The same GraphQL body for all three.
 */

import { performance } from 'node:perf_hooks';
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@aws-sdk/protocol-http';
import { SignatureV4 as DocsSignatureV4 } from '@aws-sdk/signature-v4';
import { SignatureV4 } from '@smithy/signature-v4';
import { iamAuthorizer } from '../../lambda/shared/iam-auth';

export interface SigningResult {
  readonly type: 'signing';
  readonly usPerOp: number;
  readonly baselineUsPerOp: number;
  readonly sdkUsPerOp: number;
  readonly ops: { ours: number; twin: number; sdk: number };
}

const BODY = JSON.stringify({
  query: 'query ListTodos($limit: Int) { listTodos(limit: $limit) { items { id name description createdAt updatedAt } nextToken } }',
  operationName: 'ListTodos',
  variables: { limit: 20 },
});

async function main(): Promise<SigningResult> {
  const [endpointText, roundsText, roundMsText] = process.argv.slice(2);
  const endpoint = new URL(endpointText);
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const ours = iamAuthorizer({ region }, endpoint);
  const twin = async () => {
    const signer = new DocsSignatureV4({ credentials: defaultProvider(), region, service: 'appsync', sha256: Sha256 });
    const request = new HttpRequest({
      method: 'POST',
      headers: { 'Content-Type': 'application/json', host: endpoint.host },
      hostname: endpoint.host,
      body: BODY,
      path: endpoint.pathname,
    });
    return signer.sign(request);
  };
  const sdkSigner = new SignatureV4({
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
      sessionToken: process.env.AWS_SESSION_TOKEN,
    },
    region,
    service: 'appsync',
    sha256: Sha256,
  });
  const sdk = () =>
    sdkSigner.sign({
      method: 'POST',
      protocol: 'https:',
      hostname: endpoint.host,
      path: endpoint.pathname,
      query: {},
      headers: { 'content-type': 'application/json', host: endpoint.host },
      body: BODY,
    });

  const candidates = { ours: () => ours(BODY), twin, sdk } as const;
  const time = { ours: 0, twin: 0, sdk: 0 };
  const ops = { ours: 0, twin: 0, sdk: 0 };
  // Warm-up (JIT, caches), untimed.
  for (const run of Object.values(candidates)) for (let index = 0; index < 200; index++) await run();
  for (let round = 0; round < Number(roundsText); round++) {
    for (const name of ['ours', 'twin', 'sdk'] as const) {
      const started = performance.now();
      const until = started + Number(roundMsText);
      let count = 0;
      while (performance.now() < until) {
        await candidates[name]();
        count++;
      }
      time[name] += performance.now() - started;
      ops[name] += count;
    }
  }
  return {
    type: 'signing',
    usPerOp: (time.ours * 1000) / ops.ours,
    baselineUsPerOp: (time.twin * 1000) / ops.twin,
    sdkUsPerOp: (time.sdk * 1000) / ops.sdk,
    ops,
  };
}

main().then(
  (result) => process.send?.(result, () => process.exit(0)),
  (error: Error) => process.send?.({ type: 'error', message: error.stack ?? error.message }, () => process.exit(1)),
);
