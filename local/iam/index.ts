export { type Authorization, type AuthorizationRequest, authorize, denialContext, PolicyType, type RequestFacts } from './authorizer';
export { IamError, InvalidIamPropertyError, MalformedPolicyError } from './errors';
export { type CompiledPolicy, compilePolicy, describeStatement, type PolicyDecision, type StatementRef } from './policy-evaluator';
export { ADMIN_PROFILE, type AwsProfileFiles, type LocalPrincipal, PrincipalStore, renderAwsProfiles } from './principals';
export { type CredentialLookup, MAX_CLOCK_SKEW_MS, type SigningSecret, type SigV4Request, type SigV4Result, verifySigV4 } from './sigv4';
