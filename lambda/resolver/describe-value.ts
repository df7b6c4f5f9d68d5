/** Short rendering of a rejected value for an error message, so a huge input cannot flood the message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON would print NaN and Infinity as null, which would make the message lie.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const json = JSON.stringify(value);
  if (json === undefined) return typeof value;
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
