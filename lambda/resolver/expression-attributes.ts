import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';

/**
 * Hands out `#n` / `:v` placeholders so that no attribute name or user value is
 * ever spliced into an expression string. One instance is shared by every
 * expression of a single request (key condition, update, user condition),
 * because DynamoDB takes one names map and one values map per request.
 */
export class ExpressionAttributes {
  private readonly namePlaceholders = new Map<string, string>();
  private readonly values: Record<string, NativeAttributeValue> = {};

  name(attributeName: string): string {
    let placeholder = this.namePlaceholders.get(attributeName);
    if (placeholder === undefined) {
      placeholder = `#n${this.namePlaceholders.size}`;
      this.namePlaceholders.set(attributeName, placeholder);
    }
    return placeholder;
  }

  value(value: NativeAttributeValue): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /**
   * Spread into a command's input, given every expression of the command.
   *
   * Only placeholders those expressions reference are sent: a translation may
   * allocate one and then drop its text (an `or` with an unconstrained branch
   * matches everything), and DynamoDB rejects both unused placeholders and an
   * empty names or values map.
   */
  toCommandInput(...expressions: (string | undefined)[]): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, NativeAttributeValue>;
  } {
    // Placeholders are the only `#`/`:` tokens in these expressions: user text never enters them.
    const referenced = new Set(expressions.flatMap((expression) => expression?.match(/[#:][nv]\d+/g) ?? []));
    const names = Object.fromEntries(
      [...this.namePlaceholders].filter(([, placeholder]) => referenced.has(placeholder)).map(([name, placeholder]) => [placeholder, name]),
    );
    const values = Object.fromEntries(Object.entries(this.values).filter(([placeholder]) => referenced.has(placeholder)));
    return {
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    };
  }
}

/** ANDs the parts that exist; `undefined` means "no constraint" and is dropped. */
export function allOf(parts: readonly (string | undefined)[]): string | undefined {
  const present = parts.filter((part): part is string => part !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return present.map((part) => `(${part})`).join(' AND ');
}
