/**
 * The data source's service role, checked each time AppSync would invoke a direct Lambda resolver: AppSync assumes
 * the data source's `ServiceRoleArn` (session `APPSYNC_ASSUME_ROLE`) and calls Lambda's Invoke with it, so the role's
 * policies must allow `lambda:InvokeFunction` on the function ARN, or the field errors. The one authorizer decides,
 * with the facts of a call AppSync makes itself: no source IP of the caller's, over TLS, in the API's region.
 *
 * A data source without a role, or with a role the deployment does not define (an imported ARN, another account's),
 * cannot be evaluated: the field errors (never an invoke) and the start-up report lists it (emulation-gaps.ts).
 */
import { randomUUID } from 'node:crypto';
import { authorize } from '../iam/authorizer';
import type { PrincipalStore } from '../iam/principals';
import { FieldError } from './errors';
import type { LocalResolver } from './model';

/** The session name AppSync gives the role it assumes (seen in AppSync's refusals: `assumed-role/<role>/APPSYNC_ASSUME_ROLE`). */
export const APPSYNC_ROLE_SESSION = 'APPSYNC_ASSUME_ROLE';

/**
 * The `errorType` of a field whose data-source role may not invoke the function. *Unconfirmed*: no recorded AppSync
 * response was found. AppSync reports Lambda's own service errors through the AWS SDK for Java, whose exception for
 * Lambda is `AWSLambdaException` and whose message ends with `(Service: AWSLambda; Status Code: ...; Error Code: ...)`;
 * the message's sentence is IAM's ("Troubleshoot access denied error messages", IAM User Guide). Change it here if
 * a real response shows otherwise.
 */
export const INVOKE_DENIED_ERROR_TYPE = 'Lambda:AWSLambdaException';
/** The `errorType` of a field whose data source has no usable role: the local cloud's own (AppSync cannot get there). */
export const DATA_SOURCE_ROLE_ERROR_TYPE = 'DataSourceRoleError';

export const INVOKE_ACTION = 'lambda:InvokeFunction';

export type InvokeDecision =
  | { readonly allowed: true; readonly reason: string }
  | { readonly allowed: false; readonly error: FieldError; readonly reason: string };

/** When, and in which region, AppSync makes the call. */
export interface InvokeContext {
  readonly currentTime: Date;
  readonly requestedRegion: string;
}

export type InvokeAuthorizer = (resolver: LocalResolver, functionArn: string, context: InvokeContext) => InvokeDecision;

export function dataSourceInvokeAuthorizer(principals: PrincipalStore): InvokeAuthorizer {
  return (resolver, functionArn, context) => {
    const field = `${resolver.typeName}.${resolver.fieldName}`;
    const dataSource = resolver.dataSourceName ?? '(unnamed)';
    if (resolver.serviceRoleArn === undefined) {
      return roleError(
        `The data source ${dataSource} of ${field} has no ServiceRoleArn: AppSync needs a role it may assume, allowed ${INVOKE_ACTION} on ${functionArn}.`,
        `data source ${dataSource} has no service role`,
      );
    }
    const principal = principals.principalForRole(resolver.serviceRoleArn, APPSYNC_ROLE_SESSION);
    if (!principal) {
      return roleError(
        `The service role ${resolver.serviceRoleArn} of data source ${dataSource} (${field}) is not a role of this deployment: ` +
          'the local cloud cannot tell what it may do, so it invokes nothing with it. Define the role in the app, or use one that is.',
        `service role ${resolver.serviceRoleArn} unknown`,
      );
    }
    const authorization = authorize(principal, {
      action: INVOKE_ACTION,
      resource: functionArn,
      facts: { secureTransport: true, currentTime: context.currentTime, requestedRegion: context.requestedRegion },
    });
    const reason = `data source ${dataSource} role ${authorization.reason}`;
    if (authorization.allowed) return { allowed: true, reason };
    const why =
      authorization.decision === 'ExplicitDeny'
        ? 'with an explicit deny in an identity-based policy'
        : `because no identity-based policy allows the ${INVOKE_ACTION} action`;
    const message =
      `User: ${principal.principalArn} is not authorized to perform: ${INVOKE_ACTION} on resource: ${functionArn} ${why} ` +
      `(Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: ${randomUUID()}; Proxy: null)`;
    return { allowed: false, error: new FieldError(INVOKE_DENIED_ERROR_TYPE, message), reason };
  };
}

function roleError(message: string, reason: string): InvokeDecision {
  return { allowed: false, error: new FieldError(DATA_SOURCE_ROLE_ERROR_TYPE, message), reason };
}
