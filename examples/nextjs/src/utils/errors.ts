/**
 * A readable message for whatever an Amplify GraphQL call threw: the GraphQL errors AppSync answered with
 * (`Unauthorized: Not Authorized to access deleteTodo on type Mutation`), or why the API could not be reached
 * (`fetch failed (ECONNREFUSED)`). Never a stack, never the request's headers.
 */
export function describeApiError(error: unknown): string {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors) && errors.length > 0) return errors.map(describeOne).join('; ');
  return describeOne(error);
}

function describeOne(error: unknown): string {
  if (error === null || error === undefined) return 'unknown error';
  if (typeof error === 'string') return error;
  const { message, errorType, name, originalError, cause } = error as {
    message?: unknown;
    errorType?: unknown;
    name?: unknown;
    originalError?: unknown;
    cause?: unknown;
  };
  const text = typeof message === 'string' && message !== '' ? message : typeof name === 'string' ? name : 'unknown error';
  const prefix = typeof errorType === 'string' && errorType !== '' ? `${errorType}: ` : '';
  const reason = rootCause(originalError ?? cause);
  return `${prefix}${text}${reason && !text.includes(reason) ? ` (${reason})` : ''}`;
}

/** The innermost cause's code or message (fetch's `TypeError: fetch failed` hides ECONNREFUSED in `cause`). */
function rootCause(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  const deeper = rootCause(cause, depth + 1);
  if (deeper) return deeper;
  if (typeof code === 'string') return code;
  return typeof message === 'string' ? message : undefined;
}
