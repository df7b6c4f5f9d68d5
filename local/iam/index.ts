export { type PolicyDecision, type PolicyEvaluation, type StatementRef, describeStatement, evaluate } from './policy-evaluator';
export { ADMIN_PROFILE, type AwsProfileFiles, type LocalPrincipal, PrincipalStore, renderAwsProfiles } from './principals';
export { type CredentialLookup, type SigV4Request, type SigV4Result, type SigningSecret, MAX_CLOCK_SKEW_MS, verifySigV4 } from './sigv4';
