/**
 * The seam for GraphQL subscriptions in GraphiQL. Subscriptions run over AppSync's real-time WebSocket endpoint
 * (`/graphql/realtime`), which the console does not drive yet: until it does, a subscription gets this one answer.
 * To support them, return an AsyncIterable of results here (GraphiQL's fetcher accepts one), dialling the real-time
 * endpoint through a console API route that signs the `header` of `connection_init`/`start` as the chosen profile.
 */
import type { ApiDescription } from '../graphql';

export function subscriptionResult(api: ApiDescription, _params: { query: string; operationName?: string | null }) {
  return {
    errors: [
      {
        message: `Subscriptions are not run from the console yet: subscribe with a WebSocket client (e.g. Amplify's generateClient().graphql(...).subscribe) to ${api.name}'s real-time endpoint.`,
      },
    ],
  };
}
