/** Structural comparison of an emulator object against a real Stripe payload. */

export type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';

export function jsonType(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as JsonType;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return jsonType(v) === 'object';
}

/**
 * Differences in JSON type for every field both objects have, recursing into nested objects and the
 * first element of arrays. `null` on either side is accepted (Stripe's nullable fields), and so is an
 * id string against an expanded object (Stripe's expandable fields).
 */
export function typeMismatches(actual: unknown, expected: unknown, path = ''): string[] {
  const problems: string[] = [];
  if (!isRecord(actual) || !isRecord(expected)) return problems;
  for (const key of Object.keys(expected)) {
    if (!(key in actual)) continue;
    const a = actual[key];
    const e = expected[key];
    const ta = jsonType(a);
    const te = jsonType(e);
    const here = `${path}${key}`;
    if (ta === 'null' || te === 'null') continue;
    if (ta !== te) {
      const expandable = (ta === 'string' && isRecord(e) && 'id' in e) || (te === 'string' && isRecord(a) && 'id' in a);
      if (!expandable) problems.push(`${here}: emulator ${ta}, Stripe ${te}`);
      continue;
    }
    if (ta === 'object') problems.push(...typeMismatches(a, e, `${here}.`));
    if (ta === 'array') {
      const [a0] = a as unknown[];
      const [e0] = e as unknown[];
      if (a0 !== undefined && e0 !== undefined) {
        if (jsonType(a0) !== jsonType(e0) && jsonType(a0) !== 'null' && jsonType(e0) !== 'null') {
          problems.push(`${here}[0]: emulator ${jsonType(a0)}, Stripe ${jsonType(e0)}`);
        } else problems.push(...typeMismatches(a0, e0, `${here}[0].`));
      }
    }
  }
  return problems;
}

export function missingKeys(actual: object, expected: object, allowed: readonly string[] = []): string[] {
  return Object.keys(expected).filter((k) => !(k in actual) && !allowed.includes(k)).sort();
}

export function extraKeys(actual: object, expected: object, allowed: readonly string[] = []): string[] {
  return Object.keys(actual).filter((k) => !(k in expected) && !allowed.includes(k)).sort();
}
