// Holds real answers to the OpenAPI document the app serves: which operation a request is (by
// its path template), whether the status it got is documented for that operation, whether the
// body's media type is, and whether a JSON body validates against the documented schema (Ajv,
// JSON Schema 2020-12 as OpenAPI 3.1 uses it, formats included). It records what it saw, so a
// test can then ask which documented operations and statuses were never produced.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, any>;
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const BASE = 'https://contract.test/openapi.json';
// ajv-formats is CommonJS with a default export; under NodeNext its callable is on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** '#/components/schemas/X' -> an absolute ref into the one schema Ajv holds for the document. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
        ? `${BASE}#/$defs/${v.slice('#/components/schemas/'.length)}`
        : rebase(v),
    ]),
  );
}

export function createContract(doc: Json) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addSchema({ $id: BASE, $defs: rebase(doc.components.schemas) as Json });
  const validators = new Map<unknown, ValidateFunction>();
  const validatorOf = (schema: unknown) => {
    let v = validators.get(schema);
    if (!v) validators.set(schema, (v = ajv.compile(rebase(schema) as Json)));
    return v;
  };

  const operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([template, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((method) => ({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        pattern: new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}/g, '[^/]+')}$`),
        op: item[method] as Json,
      })),
  );
  const seen = new Map<string, Set<string>>();

  /** The problems with this answer to `method url` (empty when it is as documented); records it. */
  function check(method: string, url: string, answer: Answer): string[] {
    const path = new URL(url, 'http://x').pathname;
    const found = operations.find((o) => o.method === method.toUpperCase() && o.pattern.test(path));
    if (!found) return [`${method} ${path}: no documented operation`];
    const status = String(answer.status);
    const where = `${found.key} -> ${status}`;
    const response = (found.op.responses as Json)[status];
    if (!response) return [`${where}: status not documented (documented: ${Object.keys(found.op.responses).join(', ')})`];
    if (!seen.has(found.key)) seen.set(found.key, new Set());
    seen.get(found.key)!.add(status);

    const problems: string[] = [];
    for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      const value = answer.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`${where}: required header ${name} missing`);
      } else if (header.schema?.type === 'integer' && !(/^\d+$/.test(String(value)) && Number(value) >= (header.schema.minimum ?? 0))) {
        problems.push(`${where}: header ${name}=${String(value)} is not ${JSON.stringify(header.schema)}`);
      }
    }
    // A redirect's or a 304's body is not part of the contract.
    if (answer.status >= 300 && answer.status < 400) return problems;
    const mediaType = String(answer.headers['content-type'] ?? '').split(';')[0]!.trim();
    const content = response.content as Json | undefined;
    if (!content) {
      if (answer.text) problems.push(`${where}: a body where none is documented`);
      return problems;
    }
    if (!content[mediaType]) return [...problems, `${where}: ${mediaType || 'no content type'} not documented (${Object.keys(content).join(', ')})`];
    const schema = content[mediaType].schema;
    if (mediaType === 'application/json') {
      let body: unknown;
      try {
        body = JSON.parse(answer.text);
      } catch {
        return [...problems, `${where}: body is not JSON`];
      }
      problems.push(...validate(schema, body).map((p) => `${where}: ${p}`));
    } else if (!answer.text) {
      problems.push(`${where}: empty ${mediaType} body`);
    }
    return problems;
  }

  function validate(schema: unknown, value: unknown): string[] {
    const v = validatorOf(schema);
    return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /**
   * Documented operations never requested, and documented statuses never produced: every status
   * a document promises, success and failure alike, must be one the app really gives.
   */
  function gaps(): { operations: string[]; statuses: string[] } {
    const statuses: string[] = [];
    for (const { key, op } of operations) {
      const got = seen.get(key) ?? new Set<string>();
      for (const status of Object.keys(op.responses)) if (!got.has(status)) statuses.push(`${key} -> ${status}`);
    }
    return { operations: operations.filter((o) => !seen.has(o.key)).map((o) => o.key), statuses };
  }

  return { check, validate, gaps, schemaOf: (name: string) => ({ $ref: `#/components/schemas/${name}` }) };
}
