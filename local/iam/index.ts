export { describeStatement, evaluate, type PolicyDecision, type PolicyEvaluation, type StatementRef } from './policy-evaluator';
export { ADMIN_PROFILE, type AwsProfileFiles, type LocalPrincipal, PrincipalStore, renderAwsProfiles } from './principals';
export { type CredentialLookup, MAX_CLOCK_SKEW_MS, type SigningSecret, type SigV4Request, type SigV4Result, verifySigV4 } from './sigv4';
