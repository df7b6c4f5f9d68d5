import { oneLine } from '../../http';
import type { LocalPrincipal, PrincipalStore } from '../../iam/principals';
import { verifySigV4 } from '../../iam/sigv4';
import { type Authenticator, firstHeader, refuse } from './authenticator';

const SIGV4_AUTHORIZATION = /^AWS4-HMAC-SHA256(\s|$)/;

/**
 * AWS_IAM: a SigV4 Authorization header whose signature verifies with a principal's secret. SigV4 is only taken from
 * the header: AppSync's HTTP endpoint takes no presigned URLs.
 */
export function awsIamAuthenticator(principals: PrincipalStore, now: () => Date): Authenticator {
  return {
    mode: 'AWS_IAM',
    claims: (request) => SIGV4_AUTHORIZATION.test((firstHeader(request.headers, 'authorization') ?? '').trim()),
    async authenticate(request, target, log) {
      log.push('mode=AWS_IAM');
      const verdict = await verifySigV4(
        { method: request.method, path: request.path, query: request.rawQuery, headers: request.headers, body: request.body },
        (accessKeyId) => principals.credentials(accessKeyId),
        { now: now(), service: 'appsync', region: target.region, allowPresigned: false },
      );
      if (!verdict.ok) {
        const accessKeyId = /Credential=([A-Za-z0-9]{1,128})\//.exec(firstHeader(request.headers, 'authorization') ?? '')?.[1];
        log.push(`${accessKeyId ? `access key ${accessKeyId} ` : ''}refused: ${verdict.errorType}: ${oneLine(verdict.message.split('\n')[0])}`);
        return refuse(verdict.errorType, verdict.message, verdict.status);
      }
      const principal = principals.principal(verdict.accessKeyId) as LocalPrincipal;
      log.push(`principal=${principal.principalArn}${principal.isAdmin ? ' (admin)' : ''}`);
      return { ok: true, auth: { mode: 'AWS_IAM', principal, sourceIp: request.sourceIp, receivedAt: now() } };
    },
  };
}
