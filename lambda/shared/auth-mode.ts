/**
 * Authorization modes, spelled as AppSync spells them (the `AuthenticationType` of AWS::AppSync::GraphQLApi, the
 * values of `@aws_*` directives): the one vocabulary of lambda/ and local/. Types only: no bundle carries anything of
 * this module.
 *
 * lib/graphql-caller.ts's `CallerAuthMode` (the CDK side) names the IAM mode `IAM`, not `AWS_IAM`.
 */

/** Every mode AppSync has; the local cloud reads any of them from a template. */
export type AppSyncAuthMode = 'API_KEY' | 'AWS_IAM' | 'AMAZON_COGNITO_USER_POOLS' | 'OPENID_CONNECT' | 'AWS_LAMBDA';

/** The modes a caller (and the local cloud) authorizes requests with: the API key, or IAM (SigV4). */
export type AuthMode = Extract<AppSyncAuthMode, 'API_KEY' | 'AWS_IAM'>;
