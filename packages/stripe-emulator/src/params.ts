import { invalidParam, missingParam } from './errors.ts';

/** A form-decoded Stripe request body (qs turns `a[b][0]=x` into nested objects/arrays of strings). */
export type Params = Record<string, unknown>;

export function asParams(value: unknown, param: string): Params {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParam(`Invalid object`, param);
  }
  return value as Params;
}

export function optString(p: Params, key: string, param = key): string | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidParam(`Invalid string: ${JSON.stringify(v)}`, param);
  return v;
}

export function reqString(p: Params, key: string, param = key): string {
  const v = optString(p, key, param);
  if (v === undefined || v === '') throw missingParam(param);
  return v;
}

export function optInt(p: Params, key: string, param = key): number | undefined {
  const v = p[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw invalidParam(`Invalid integer: ${String(v)}`, param, 'parameter_invalid_integer');
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw invalidParam(`Invalid integer: ${v}`, param, 'parameter_invalid_integer');
  return n;
}

export function optBool(p: Params, key: string, param = key): boolean | undefined {
  const v = p[key];
  if (v === undefined || v === '') return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalidParam(`Invalid boolean: ${String(v)}`, param);
}

export function optEnum<T extends string>(p: Params, key: string, allowed: readonly T[], param = key): T | undefined {
  const v = optString(p, key, param);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw invalidParam(`Invalid ${param}: must be one of ${allowed.join(', ')}`, param);
  }
  return v as T;
}

/** qs yields arrays for `a[0]=x` but objects for sparse/large indexes; accept both like Stripe does. */
export function asArray(value: unknown, param: string): unknown[] {
  if (value === undefined || value === '') return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.every(([k]) => /^\d+$/.test(k))) {
      return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
    }
  }
  if (typeof value === 'string') return [value];
  throw invalidParam(`Invalid array`, param);
}

export function stringArray(value: unknown, param: string): string[] {
  return asArray(value, param).map((v, i) => {
    if (typeof v !== 'string') throw invalidParam(`Invalid string`, `${param}[${i}]`);
    return v;
  });
}

/** Stripe's metadata limits: 50 keys, keys up to 40 chars, values up to 500 chars; empty string unsets. */
export function metadataParam(value: unknown, param = 'metadata'): Record<string, string> {
  const obj = asParams(value, param);
  const out: Record<string, string> = {};
  const keys = Object.keys(obj);
  if (keys.length > 50) throw invalidParam('Invalid metadata: metadata cannot have more than 50 keys', param);
  for (const key of keys) {
    const v = obj[key];
    if (typeof v !== 'string') throw invalidParam(`Invalid metadata value for key ${key}`, `${param}[${key}]`);
    if (key.length > 40) {
      throw invalidParam(`Metadata keys can have up to 40 characters; ${key} is too long`, `${param}[${key}]`);
    }
    if (v.length > 500) {
      throw invalidParam(`Metadata values can have up to 500 characters, but you passed in a value that is ${v.length} characters`, `${param}[${key}]`);
    }
    if (v !== '') out[key] = v;
  }
  return out;
}

export function rejectUnknown(p: Params, allowed: ReadonlySet<string>, prefix = ''): void {
  for (const key of Object.keys(p)) {
    if (!allowed.has(key)) {
      const name = prefix ? `${prefix}[${key}]` : key;
      throw invalidParam(`Received unknown parameter: ${name}`, name, 'parameter_unknown');
    }
  }
}

export function isCurrency(v: string): boolean {
  return /^[a-z]{3}$/.test(v);
}
