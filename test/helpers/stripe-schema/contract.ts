/**
 * Holds JSON payloads to the schemas of the pinned Stripe API version (see derive-schemas.ts), with
 * ajv as the judge, and turns ajv's errors into a readable list: object type, path, problem.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { StripeSchemas } from './derive-schemas.ts';

export interface Violation {
  /** The wire `object` (e.g. `charge`), `event:<type>` for an event, or `error` for an error body. */
  objectType: string;
  /** JSON pointer inside the validated payload, array indexes kept. */
  path: string;
  problem: string;
  /** Where the payload came from (e.g. `GET /v1/charges/ch_1`, `webhook charge.refunded`). */
  source: string;
}

export interface Contract {
  /** Validates an API response body: a Stripe object, a list of them, or an error. */
  checkResponse(body: unknown, source: string): Violation[];
  /** Validates an event: the envelope and `data.object` by the event's own type. */
  checkEvent(event: unknown, source: string): Violation[];
  /** Validates a payload as the named wire object type. */
  checkObject(objectType: string, value: unknown, source: string): Violation[];
  /** How many payloads of each type were validated. */
  readonly counts: Readonly<Record<string, number>>;
}

const SCHEMA_ID = 'stripe';

/** ajv validators for the schemas; compiling them is the slow part, so contracts share one. */
export interface CompiledSchemas {
  schemas: StripeSchemas;
  validator(defKey: string): ValidateFunction;
  /** Compiles every object's and event's validator now (seconds), so that checks later are quick. */
  compileAll(): void;
}

export function compileSchemas(schemas: StripeSchemas): CompiledSchemas {
  // verbose: errors carry the offending value. strict: false because the derived schemas put
  // `enum` next to `type`, which strict mode flags as redundant.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, validateFormats: false });
  ajv.addSchema({ $id: SCHEMA_ID, $defs: schemas.defs });
  const validator = (defKey: string) => {
    const fn = ajv.getSchema(`${SCHEMA_ID}#/$defs/${defKey}`);
    if (!fn) throw new Error(`no schema ${defKey}`);
    return fn;
  };
  return {
    schemas,
    validator,
    compileAll() {
      for (const defKey of [...Object.values(schemas.objects), ...Object.values(schemas.events)]) if (defKey) validator(defKey);
    },
  };
}

export function createContract(compiled: CompiledSchemas): Contract {
  const { schemas } = compiled;
  const counts: Record<string, number> = {};

  const count = (label: string) => {
    counts[label] = (counts[label] ?? 0) + 1;
  };
  const run = (defKey: string, objectType: string, value: unknown, source: string): Violation[] => {
    const fn = compiled.validator(defKey);
    if (fn(value)) return [];
    return readable(fn.errors ?? []).map((e) => ({ objectType, source, ...e }));
  };

  const checkObject = (objectType: string, value: unknown, source: string): Violation[] => {
    const defKey = schemas.objects[objectType];
    if (!defKey) return [{ objectType, path: '', problem: `\`${objectType}\` is not an object the contract knows`, source }];
    count(objectType);
    return run(defKey, objectType, value, source);
  };

  const checkEvent = (event: unknown, source: string): Violation[] => {
    const type = isRecord(event) && typeof event.type === 'string' ? event.type : '';
    if (!(type in schemas.events)) {
      return [{ objectType: 'event', path: '/type', problem: `\`${type}\` is not an event type of API version ${schemas.apiVersion}`, source }];
    }
    const defKey = schemas.events[type];
    if (!defKey) return [{ objectType: `event:${type}`, path: '', problem: 'the contract does not model this event\'s object', source }];
    count('event');
    const objectType = isRecord(event) && isRecord(event.data) && isRecord(event.data.object) ? String(event.data.object.object) : '?';
    count(`event data.object: ${objectType}`);
    return run(defKey, `event:${type}`, event, source);
  };

  const checkResponse = (body: unknown, source: string): Violation[] => {
    if (!isRecord(body)) return [{ objectType: '?', path: '', problem: 'the body is not a JSON object', source }];
    if ('error' in body) {
      const extra = Object.keys(body).filter((k) => k !== 'error');
      const shape = extra.map((k) => ({ objectType: 'error', path: `/${k}`, problem: `unknown field \`${k}\` next to \`error\``, source }));
      count('error');
      return [...shape, ...run(schemas.objects.error!, 'error', body.error, source).map((v) => ({ ...v, path: `/error${v.path}` }))];
    }
    if (body.object === 'list') {
      count('list');
      const shape = listShape(body).map((problem) => ({ objectType: 'list', path: '', problem, source }));
      const items = (Array.isArray(body.data) ? body.data : []).flatMap((item: unknown, i: number) => {
        const type = isRecord(item) ? String(item.object) : '?';
        const found = type === 'event' ? checkEvent(item, source) : checkObject(type, item, source);
        return found.map((v) => ({ ...v, path: `/data/${i}${v.path}` }));
      });
      return [...shape, ...items];
    }
    if (body.object === 'event') return checkEvent(body, source);
    return checkObject(String(body.object), body, source);
  };

  return { checkObject, checkEvent, checkResponse, counts };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Stripe's list envelope: exactly object, data, has_more, url. */
function listShape(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const expected: Record<string, string> = { object: 'string', data: 'array', has_more: 'boolean', url: 'string' };
  for (const [k, t] of Object.entries(expected)) {
    const actual = Array.isArray(body[k]) ? 'array' : typeof body[k];
    if (actual !== t) problems.push(`\`${k}\` must be ${t} (is ${actual})`);
  }
  for (const k of Object.keys(body)) if (!(k in expected)) problems.push(`unknown field \`${k}\` on a list`);
  return problems;
}

const SCALAR_KEYWORDS = new Set(['type', 'const', 'enum']);

/**
 * ajv reports every failed branch of an `anyOf` (id | expanded object | null). Keep what a person
 * needs: where the value is an object that failed inside, drop the sibling branches' complaints that
 * it "must be string" or "must be null"; where it is a scalar, merge them into one line.
 */
function readable(errors: ErrorObject[]): Array<{ path: string; problem: string }> {
  const relevant = closestBranch(errors.filter((e) => e.keyword !== 'anyOf'));
  const failsInside = (p: string) =>
    relevant.some((e) => e.instancePath.startsWith(`${p}/`) || (e.instancePath === p && !SCALAR_KEYWORDS.has(e.keyword)));
  const expected = new Map<string, { wanted: string[]; got: unknown }>();
  const other: Array<{ path: string; problem: string }> = [];
  for (const e of relevant) {
    const p = e.params as Record<string, unknown>;
    if (!SCALAR_KEYWORDS.has(e.keyword)) {
      const field = e.keyword === 'required' ? p.missingProperty : e.keyword === 'additionalProperties' ? p.additionalProperty : undefined;
      const problem = e.keyword === 'required'
        ? 'missing: a required field in this API version'
        : e.keyword === 'additionalProperties' ? 'unknown field: not in this API version' : e.message ?? e.keyword;
      other.push({ path: field === undefined ? e.instancePath : `${e.instancePath}/${String(field)}`, problem });
      continue;
    }
    if (failsInside(e.instancePath)) continue;
    const entry = expected.get(e.instancePath) ?? { wanted: [], got: e.data };
    const wanted = e.keyword === 'type' ? String(p.type)
      : e.keyword === 'enum' ? `one of ${(p.allowedValues as unknown[]).join('|')}` : JSON.stringify(p.allowedValue);
    if (!entry.wanted.includes(wanted)) entry.wanted.push(wanted);
    expected.set(e.instancePath, entry);
  }
  const scalars = [...expected].map(([path, { wanted, got }]) => ({
    path,
    problem: `must be ${wanted.join(' or ')} (got ${JSON.stringify(got)?.slice(0, 80)})`,
  }));
  const seen = new Set<string>();
  return [...scalars, ...other].filter((v) => !seen.has(`${v.path} ${v.problem}`) && seen.add(`${v.path} ${v.problem}`));
}

/**
 * An object checked against several object branches of an anyOf (a Product, or a DeletedProduct)
 * fails each in its own way; keep the complaints of the branch it came closest to (fewest errors).
 */
function closestBranch(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const byPath = new Map<string, Map<unknown, ErrorObject[]>>();
  for (const e of errors) {
    if (SCALAR_KEYWORDS.has(e.keyword)) continue;
    const branches = byPath.get(e.instancePath) ?? new Map<unknown, ErrorObject[]>();
    const group = branches.get(e.parentSchema) ?? [];
    group.push(e);
    branches.set(e.parentSchema, group);
    byPath.set(e.instancePath, branches);
  }
  for (const branches of byPath.values()) {
    if (branches.size < 2) continue;
    const groups = [...branches.values()].sort((a, b) => a.length - b.length);
    for (const group of groups.slice(1)) for (const e of group) dropped.add(e);
  }
  return errors.filter((e) => !dropped.has(e));
}
