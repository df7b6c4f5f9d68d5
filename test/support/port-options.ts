/**
 * `npm start`'s port options, each port 0 (any free one) unless given: a local cloud under test never takes a port
 * that another test, or the user's own local cloud, holds.
 */
export function portOptions(ports: { readonly graphql?: string; readonly lambda?: string; readonly dynamodb?: string } = {}): string[] {
  return ['--graphql-port', ports.graphql ?? '0', '--lambda-port', ports.lambda ?? '0', '--dynamodb-port', ports.dynamodb ?? '0'];
}
