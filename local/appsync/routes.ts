/**
 * Which API a path names: `/apis/<apiId>/graphql` for every API, `/graphql` when there is exactly one, and the path
 * of each API's url (deployment.ts gives `/graphql` to a lone API, `/apis/<id>/graphql` otherwise). The HTTP endpoint
 * and the real-time endpoint (realtime/handshake.ts) route by the same rules.
 */
import type { ApiRuntime } from './schema';

export type GraphqlRouter = (pathname: string) => ApiRuntime | undefined;

export function graphqlRouter(runtimes: ReadonlyMap<string, ApiRuntime>): GraphqlRouter {
  const single = runtimes.size === 1 ? [...runtimes.values()][0] : undefined;
  const byUrlPath = new Map<string, ApiRuntime>();
  for (const runtime of runtimes.values()) {
    try {
      byUrlPath.set(new URL(runtime.api.url).pathname, runtime);
    } catch {
      // Not a URL: the standard routes still serve the API.
    }
  }
  return (pathname) => {
    if (pathname === '/graphql' && single) return single;
    const match = /^\/apis\/([^/]+)\/graphql$/.exec(pathname);
    return (match ? runtimes.get(match[1]) : undefined) ?? byUrlPath.get(pathname);
  };
}
