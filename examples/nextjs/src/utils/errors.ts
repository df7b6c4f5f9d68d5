/**
 * A readable message for whatever an Amplify GraphQL call threw. Amplify throws the GraphQL result (`{ data, errors
 * }`): AppSync's own field errors (`Unauthorized: Not Authorized to access deleteTodo on type Mutation`), or one it
 * made of a refused or failed HTTP request, whose `originalError` has the response (`Unauthorized (HTTP 401
 * UnauthorizedException: Permission denied)`) or the network failure (`A network error has occurred. (ECONNREFUSED)`).
 * Never a stack, never the request's headers.
 */
export function describeApiError(error: unknown): string {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors) && errors.length > 0) return errors.map(describeOne).join('; ');
  return describeOne(error);
}

/** AppSync refused the call: a field error `Unauthorized`, or a request refused with 401/403 UnauthorizedException. */
export function isUnauthorized(error: unknown): boolean {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return false;
  return errors.some((e: { errorType?: unknown; message?: unknown; originalError?: { name?: unknown } } | null) =>
    e?.errorType === 'Unauthorized' || e?.message === 'Unauthorized' || (typeof e?.originalError?.name === 'string' && e.originalError.name.startsWith('UnauthorizedException')),
  );
}

interface ErrorLike {
  message?: unknown;
  errorType?: unknown;
  name?: unknown;
  originalError?: unknown;
  cause?: unknown;
}

function describeOne(error: unknown): string {
  if (error === null || error === undefined) return 'unknown error';
  if (typeof error === 'string') return error;
  const { message, errorType, name, originalError, cause } = error as ErrorLike;
  const text = typeof message === 'string' && message !== '' ? message : typeof name === 'string' ? name : 'unknown error';
  const prefix = typeof errorType === 'string' && errorType !== '' ? `${errorType}: ` : '';
  const reason = httpReason(originalError) ?? rootCause(originalError ?? cause);
  return `${prefix}${text}${reason && !text.includes(reason) ? ` (${reason})` : ''}`;
}

/** What the HTTP response of a refused request said (Amplify's ApiError keeps it in `response`). */
function httpReason(error: unknown): string | undefined {
  const response = (error as { response?: { statusCode?: unknown; body?: unknown } } | null | undefined)?.response;
  if (!response || typeof response.statusCode !== 'number') return undefined;
  let detail = '';
  if (typeof response.body === 'string') {
    try {
      const body = JSON.parse(response.body) as { errors?: Array<{ errorType?: unknown; message?: unknown }> };
      detail = (body.errors ?? [])
        .map((e) => [e.errorType, e.message].filter((part) => typeof part === 'string' && part !== '').join(': '))
        .filter(Boolean)
        .join('; ');
    } catch {
      // not JSON: the status says enough
    }
  }
  return `HTTP ${response.statusCode}${detail ? ` ${detail}` : ''}`;
}

/** The innermost cause's code or message (fetch's `TypeError: fetch failed` hides ECONNREFUSED in `cause`). */
function rootCause(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const { code, message, cause, underlyingError } = error as { code?: unknown; message?: unknown; cause?: unknown; underlyingError?: unknown };
  const deeper = rootCause(cause ?? underlyingError, depth + 1);
  if (deeper) return deeper;
  if (typeof code === 'string') return code;
  return typeof message === 'string' ? message : undefined;
}
