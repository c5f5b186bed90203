// GET /openapi.json: a structurally valid OpenAPI 3.1 document whose schemas accept and refuse
// what the routes accept and refuse (they are generated from the same zod schemas).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { bearer, mintKey } from './admin-fixtures.ts';

type Json = Record<string, unknown>;
let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let doc: Json & { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json>; securitySchemes: Json } };

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db);
  const res = await request(app).get('/openapi.json').expect(200);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  doc = res.body;
});
afterAll(async () => {
  await db.drop();
});

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Follows a local JSON pointer ("#/components/schemas/X"). */
function resolve(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), root);
}

function* walk(node: unknown, path = '#'): Generator<[string, Json]> {
  if (!node || typeof node !== 'object') return;
  yield [path, node as Json];
  for (const [k, v] of Object.entries(node)) yield* walk(v, `${path}/${k}`);
}

// The JSON Schema 2020-12 keywords a generated schema may use, and what each must hold.
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
function schemaProblems(schema: unknown, at: string): string[] {
  if (typeof schema === 'boolean') return [];
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return [`${at}: not a schema`];
  const s = schema as Json;
  const out: string[] = [];
  const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if ('type' in s) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.every((t) => TYPES.has(t as string))) out.push(`${at}: bad type ${JSON.stringify(s.type)}`);
  }
  if ('properties' in s) {
    if (typeof s.properties !== 'object') out.push(`${at}: properties not an object`);
    else for (const [k, v] of Object.entries(s.properties as Json)) out.push(...schemaProblems(v, `${at}/properties/${k}`));
  }
  if ('required' in s) {
    if (!Array.isArray(s.required) || !s.required.every((r) => typeof r === 'string')) out.push(`${at}: required not strings`);
    else if (s.properties) for (const r of s.required) if (!(r in (s.properties as Json))) out.push(`${at}: required ${r} not a property`);
  }
  if ('items' in s) out.push(...schemaProblems(s.items, `${at}/items`));
  if ('additionalProperties' in s) out.push(...schemaProblems(s.additionalProperties, `${at}/additionalProperties`));
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    if (k in s) {
      if (!Array.isArray(s[k]) || (s[k] as unknown[]).length === 0) out.push(`${at}: ${k} not a non-empty array`);
      else (s[k] as unknown[]).forEach((sub, i) => out.push(...schemaProblems(sub, `${at}/${k}/${i}`)));
    }
  }
  if ('enum' in s && (!Array.isArray(s.enum) || s.enum.length === 0)) out.push(`${at}: enum empty`);
  if ('pattern' in s) {
    try {
      new RegExp(s.pattern as string, 'u');
    } catch {
      out.push(`${at}: pattern is not a regular expression`);
    }
  }
  for (const k of ['minLength', 'maxLength', 'minItems', 'maxItems']) if (k in s && !isCount(s[k])) out.push(`${at}: ${k} not a count`);
  for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) if (k in s && typeof s[k] !== 'number') out.push(`${at}: ${k} not a number`);
  if ('$ref' in s && typeof s.$ref !== 'string') out.push(`${at}: $ref not a string`);
  if ('$id' in s && String(s.$id).includes('#')) out.push(`${at}: $id with a fragment`);
  return out;
}

/** A small validator for the keywords above: enough to run examples through the document. */
function validate(schema: unknown, value: unknown): boolean {
  if (schema === true || schema === undefined) return true;
  if (schema === false) return false;
  const s = schema as Json;
  if (typeof s.$ref === 'string') return validate(resolve(doc, s.$ref), value);
  if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => validate(sub, value))) return false;
  if (Array.isArray(s.enum) && !s.enum.includes(value)) return false;
  if ('const' in s && s.const !== value) return false;
  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    const ok = types.some((t) =>
      t === 'null' ? value === null
      : t === 'integer' ? Number.isInteger(value)
      : t === 'array' ? Array.isArray(value)
      : t === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value)
      : typeof value === t);
    if (!ok) return false;
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength) return false;
    if (typeof s.maxLength === 'number' && value.length > s.maxLength) return false;
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) return false;
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) return false;
    if (typeof s.maximum === 'number' && value > s.maximum) return false;
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) return false;
  }
  if (Array.isArray(value) && s.items !== undefined && !value.every((v) => validate(s.items, v))) return false;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const props = (s.properties ?? {}) as Json;
    for (const r of (s.required ?? []) as string[]) if (!(r in value)) return false;
    for (const [k, v] of Object.entries(value)) {
      if (k in props) {
        if (!validate(props[k], v)) return false;
      } else if (s.additionalProperties === false) return false;
    }
  }
  return true;
}

const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 with info and a bearer security scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes).toEqual({ adminKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
  });

  it('covers the public and every admin route', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(expect.arrayContaining([
      '/api/campaigns', '/api/campaigns/{slug}', '/api/campaigns/{slug}/progress', '/api/pledges',
      '/api/admin/campaigns', '/api/admin/campaigns/{slug}', '/api/admin/pledges', '/api/admin/exports/payments.csv',
      '/api/admin/exports/pledges.csv', '/api/admin/exports/payouts.csv', '/api/admin/reconciliation',
      '/api/admin/webhook-events', '/api/admin/webhook-events/{id}/replay', '/api/admin/reconcile',
      '/api/campaigns/{slug}/progress/stream', '/webhooks/stripe', '/metrics', '/healthz', '/readyz', '/openapi.json',
    ]));
  });

  it('every operation has responses with descriptions; admin ones require the key and document 401, public ones none', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(METHODS, `${path} ${method}`).toContain(method);
        const responses = op.responses as Record<string, Json>;
        expect(Object.keys(responses).length, `${path} ${method}`).toBeGreaterThan(0);
        for (const [status, r] of Object.entries(responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(typeof r.description, `${path} ${method} ${status}`).toBe('string');
        }
        expect(ids.has(op.operationId as string), 'operationId unique').toBe(false);
        ids.add(op.operationId as string);
        for (const p of (op.parameters ?? []) as Json[]) {
          expect(['query', 'path', 'header']).toContain(p.in);
          if (p.in === 'path') {
            expect(p.required).toBe(true);
            expect(path).toContain(`{${p.name as string}}`);
          }
        }
        for (const name of path.match(/\{(\w+)\}/g) ?? []) {
          expect((op.parameters as Json[]).some((p) => `{${p.name as string}}` === name), `${path} declares ${name}`).toBe(true);
        }
        if (path.startsWith('/api/admin') || path === '/metrics') {
          expect(op.security).toEqual([{ adminKey: [] }]);
          expect(responses['401']).toBeDefined();
        } else {
          // Public: says so, rather than leaving a client to guess whether a key applies.
          expect(op.security, `${path} ${method}`).toEqual([]);
        }
      }
    }
  });

  it('every $ref resolves', () => {
    const refs = [...walk(doc)].filter(([, n]) => typeof n.$ref === 'string');
    expect(refs.length).toBeGreaterThan(10);
    for (const [at, node] of refs) expect(resolve(doc, node.$ref as string), `${at} -> ${node.$ref as string}`).toBeDefined();
  });

  it('every schema is well-formed JSON Schema', () => {
    const problems: string[] = [];
    for (const [name, s] of Object.entries(doc.components.schemas)) problems.push(...schemaProblems(s, `#/components/schemas/${name}`));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const p of (op.parameters ?? []) as Json[]) problems.push(...schemaProblems(p.schema, `${path} ${method} ${p.name as string}`));
      }
    }
    expect(problems).toEqual([]);
  });

  it('the pledge schema accepts and refuses what POST /api/pledges does', () => {
    const good = { campaign: 'winter', amount: 2500, currency: 'usd', frequency: 'once', email: 'a@example.org' };
    expect(validate(schema('PledgeRequest'), good)).toBe(true);
    expect(validate(schema('PledgeRequest'), { ...good, amount: 0 })).toBe(false);
    expect(validate(schema('PledgeRequest'), { ...good, amount: 25.5 })).toBe(false);
    expect(validate(schema('PledgeRequest'), { ...good, frequency: 'weekly' })).toBe(false);
    expect(validate(schema('PledgeRequest'), { ...good, extra: 1 })).toBe(false);
    const { email: _e, ...missing } = good;
    expect(validate(schema('PledgeRequest'), missing)).toBe(false);
  });

  it('the campaign schemas accept and refuse what the admin routes do', () => {
    const good = { slug: 'spring', title: 'Spring', goal: 100000, currency: 'usd', startsAt: '2027-03-01', endsAt: '2027-03-31T00:00:00Z' };
    expect(validate(schema('CreateCampaignRequest'), good)).toBe(true);
    expect(validate(schema('CreateCampaignRequest'), { ...good, slug: 'Not Slug' })).toBe(false);
    expect(validate(schema('CreateCampaignRequest'), { ...good, goal: -1 })).toBe(false);
    expect(validate(schema('CreateCampaignRequest'), { ...good, startsAt: 'soon' })).toBe(false);
    expect(validate(schema('UpdateCampaignRequest'), { title: 'New' })).toBe(true);
    expect(validate(schema('UpdateCampaignRequest'), { slug: 'x' })).toBe(false);
  });

  it("real answers match their documented schemas", async () => {
    const auth = bearer((await mintKey(db)).key);
    const created = await request(app).post('/api/admin/campaigns').set(auth)
      .send({ slug: 'spring', title: 'Spring', goal: 100000, currency: 'usd', startsAt: '2027-03-01', endsAt: '2027-03-31' }).expect(201);
    expect(validate(schema('Campaign'), created.body)).toBe(true);
    expect(validate(schema('CampaignList'), (await request(app).get('/api/campaigns').expect(200)).body)).toBe(true);
    expect(validate(schema('Progress'), (await request(app).get('/api/campaigns/spring/progress').expect(200)).body)).toBe(true);
    expect(validate(schema('AdminPledgePage'), (await request(app).get('/api/admin/pledges').set(auth).expect(200)).body)).toBe(true);
    expect(validate(schema('WebhookEventPage'), (await request(app).get('/api/admin/webhook-events').set(auth).expect(200)).body)).toBe(true);
    expect(validate(schema('Error'), (await request(app).get('/api/admin/pledges').expect(401)).body)).toBe(true);
    // And each admin query parameter documented is one the route accepts.
    const params = (doc.paths['/api/admin/pledges']!.get!.parameters as Json[]).map((p) => p.name);
    expect(params.sort()).toEqual(['campaign', 'cursor', 'from', 'limit', 'status', 'to']);
  });
});
