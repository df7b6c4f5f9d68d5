/** A request target split as sent: the path still URI-encoded (SigV4 canonicalises it itself), the raw query. */
export interface RequestTarget {
  readonly path: string;
  readonly rawQuery: string;
}

export function splitTarget(url: string | undefined): RequestTarget {
  const target = url ?? '/';
  const queryStart = target.indexOf('?');
  return queryStart < 0 ? { path: target, rawQuery: '' } : { path: target.slice(0, queryStart), rawQuery: target.slice(queryStart + 1) };
}

/** Query parameters by name (a null-prototype record: `__proto__` is a name like any other), repeated names as arrays. */
export type QueryParameters = Record<string, string | string[]>;

/**
 * Percent-decoded, with `+` as a space (as clients that build URLs with URLSearchParams mean it); a sequence that is
 * not valid percent-encoding is kept as sent.
 */
export function parseQuery(rawQuery: string): QueryParameters {
  const parameters = Object.create(null) as Record<string, string | string[]>;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const name = decodeComponent(separator < 0 ? pair : pair.slice(0, separator));
    const value = separator < 0 ? '' : decodeComponent(pair.slice(separator + 1));
    const existing = parameters[name];
    parameters[name] = existing === undefined ? value : [...(typeof existing === 'string' ? [existing] : existing), value];
  }
  return parameters;
}

/** The first value of a parameter, or undefined. */
export function firstValue(parameters: QueryParameters, name: string): string | undefined {
  const value = parameters[name];
  return value === undefined ? undefined : typeof value === 'string' ? value : value[0];
}

function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
