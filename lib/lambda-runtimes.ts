/**
 * When Lambda stops supporting each Node.js runtime, in one table: the pinned runtime (TodoFunction.RUNTIME) is
 * checked against it by test/lib/lambda-runtimes.test.ts, which fails once the pinned runtime is within
 * RUNTIME_WARNING_DAYS of its deprecation, and by the cdk-nag acknowledgment of the pinned runtime
 * (lib/nag-suppressions.ts), whose reason quotes these dates.
 *
 * Source: the Lambda Developer Guide, "Lambda runtimes" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html)
 * and "Building Lambda functions with Node.js" / "with TypeScript" (lambda-nodejs.html, lambda-typescript.html), whose
 * tables give, per runtime, the deprecation date, the date creating functions on it is blocked and the date updating
 * them is blocked. Dates are planning dates that AWS may move: check the page when the test fails, and update here.
 */

/** One row of Lambda's table of supported Node.js runtimes. */
export interface RuntimeLifecycle {
  /** Lambda's runtime identifier, e.g. `nodejs24.x`. */
  readonly runtime: string;
  /** The Node.js major version it runs. */
  readonly nodeMajor: number;
  /** End of security patches and support (YYYY-MM-DD). */
  readonly deprecation: string;
  /** From this day, `CreateFunction` on this runtime fails: a fresh `cdk deploy` fails. */
  readonly blockFunctionCreate: string;
  /** From this day, `UpdateFunctionConfiguration`/`UpdateFunctionCode` fail: every deploy that touches a function fails. */
  readonly blockFunctionUpdate: string;
}

/** As the Lambda Developer Guide lists them (read in December 2026). */
export const NODE_RUNTIME_LIFECYCLES: readonly RuntimeLifecycle[] = [
  { runtime: 'nodejs24.x', nodeMajor: 24, deprecation: '2028-04-30', blockFunctionCreate: '2028-06-01', blockFunctionUpdate: '2028-07-01' },
  { runtime: 'nodejs22.x', nodeMajor: 22, deprecation: '2027-04-30', blockFunctionCreate: '2027-06-01', blockFunctionUpdate: '2027-07-01' },
  { runtime: 'nodejs20.x', nodeMajor: 20, deprecation: '2026-04-30', blockFunctionCreate: '2026-08-31', blockFunctionUpdate: '2026-09-30' },
];

/** How long before its deprecation the pinned runtime must be moved on (test/lib/lambda-runtimes.test.ts). */
export const RUNTIME_WARNING_DAYS = 180;

export class UnknownRuntimeError extends Error {
  override name = 'UnknownRuntimeError';
}

/** The lifecycle of a runtime; throws for one the table does not list (add its row from the Lambda Developer Guide). */
export function runtimeLifecycle(runtime: string): RuntimeLifecycle {
  const row = NODE_RUNTIME_LIFECYCLES.find((candidate) => candidate.runtime === runtime);
  if (!row) {
    throw new UnknownRuntimeError(
      `lib/lambda-runtimes.ts has no deprecation dates for the Lambda runtime ${runtime}: add its row from https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html`,
    );
  }
  return row;
}

/** Whole days from `now` to the start (00:00 UTC) of `date` (negative once it is past). */
export function daysUntil(date: string, now: Date): number {
  return Math.floor((Date.parse(`${date}T00:00:00Z`) - now.getTime()) / 86_400_000);
}

/** `nodejs24.x` → 24; undefined for anything that is not a Node.js runtime identifier. */
export function nodeMajorOfRuntime(runtime: string): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match ? Number(match[1]) : undefined;
}
