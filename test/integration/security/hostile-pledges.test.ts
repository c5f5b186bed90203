// Hostile input on POST /api/pledges, as JSON and as the HTML form: each request gets its 4xx and
// error code, and writes nothing (no row anywhere, no call to Stripe). The field-by-field
// validation table lives in test/integration/pledges/bad-input.test.ts; this is the attacker's view.
import zlib from 'node:zlib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../helpers/app.ts';
import {
  expectNoLeak, expectNothingWritten, hostileSetup, rawRequest, SQL_INJECTIONS, type Hostile,
} from './hostile-harness.ts';

let h: Hostile;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  h = await hostileSetup();
  server = await listen(h.app);
});
afterAll(async () => {
  await server.close();
  await h.close();
});

const valid = { campaign: 'open-usd', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };
const MB = 'x'.repeat(1 << 20);
const STRING_FIELDS = ['campaign', 'currency', 'frequency', 'email', 'name', 'message', 'dedication'] as const;

type JsonCase = [label: string, body: unknown, status: number, code: string];

const JSON_CASES: JsonCase[] = [
  // wrong types
  ['body is an array', [valid], 400, 'validation_failed'],
  ['body is a string', 'campaign=open-usd', 400, 'invalid_body'],
  ['body is null', null, 400, 'invalid_body'],
  ['body is a number', 2500, 400, 'invalid_body'],
  ['amount as boolean', { ...valid, amount: true }, 400, 'validation_failed'],
  ['amount as array', { ...valid, amount: [2500] }, 400, 'validation_failed'],
  ['amount as null', { ...valid, amount: null }, 400, 'validation_failed'],
  ['campaign as number', { ...valid, campaign: 1 }, 400, 'validation_failed'],
  ['campaign as object', { ...valid, campaign: { $ne: null } }, 400, 'validation_failed'],
  ['email as array', { ...valid, email: ['a@b.org', 'c@d.org'] }, 400, 'validation_failed'],
  ['frequency as number', { ...valid, frequency: 1 }, 400, 'validation_failed'],
  ['anonymous as "true"', { ...valid, anonymous: 'true' }, 400, 'validation_failed'],
  ['coverFees as null', { ...valid, coverFees: null }, 400, 'validation_failed'],
  ['name as object', { ...valid, name: { toString: 'x' } }, 400, 'validation_failed'],
  // huge, negative, floats
  ['amount 1e308', { ...valid, amount: 1e308 }, 400, 'validation_failed'],
  ['amount MAX_SAFE_INTEGER + 2', { ...valid, amount: Number.MAX_SAFE_INTEGER + 2 }, 400, 'validation_failed'],
  ['amount -1', { ...valid, amount: -1 }, 400, 'validation_failed'],
  ['amount -0.0', { ...valid, amount: -0 }, 400, 'validation_failed'],
  ['amount -9e15', { ...valid, amount: -9e15 }, 400, 'validation_failed'],
  ['amount 2500.5', { ...valid, amount: 2500.5 }, 400, 'validation_failed'],
  ['amount 0.1 + 0.2', { ...valid, amount: 0.1 + 0.2 }, 400, 'validation_failed'],
  ['amount 1e-7', { ...valid, amount: 1e-7 }, 400, 'validation_failed'],
  ['JPY amount with a fraction', { ...valid, campaign: 'open-jpy', currency: 'jpy', amount: 500.5 }, 400, 'validation_failed'],
  // unicode tricks
  ['name with RTL override', { ...valid, name: 'Ann \u202Egnp.exe' }, 400, 'validation_failed'],
  ['name with zero-width joiner', { ...valid, name: 'An\u200Dn' }, 400, 'validation_failed'],
  ['name with a lone surrogate', { ...valid, name: 'Ann\uD800' }, 400, 'validation_failed'],
  ['name with U+FFFD', { ...valid, name: 'Ann\uFFFD' }, 400, 'validation_failed'],
  ['message with a NUL', { ...valid, message: 'a\u0000b' }, 400, 'validation_failed'],
  ['message with a C1 control', { ...valid, message: 'a\u0085b' }, 400, 'validation_failed'],
  ['dedication with a word joiner', { ...valid, dedication: 'In\u2060memory' }, 400, 'validation_failed'],
  ['campaign as a homoglyph', { ...valid, campaign: 'оpen-usd' }, 400, 'validation_failed'],
  ['currency in fullwidth', { ...valid, currency: 'ｕｓｄ' }, 400, 'validation_failed'],
  ['email with a homoglyph domain', { ...valid, email: 'donor@exаmple.org' }, 400, 'validation_failed'],
  // prototype pollution
  ['constructor.prototype', { ...valid, constructor: { prototype: { polluted: true } } }, 400, 'validation_failed'],
  ['prototype key', { ...valid, prototype: { polluted: true } }, 400, 'validation_failed'],
  // extra fields that would be privilege escalation if they were read
  ['status: completed', { ...valid, status: 'completed' }, 400, 'validation_failed'],
  ['checkoutSessionId', { ...valid, checkoutSessionId: 'cs_live_x' }, 400, 'validation_failed'],
  ['coveredFee', { ...valid, coveredFee: -2000 }, 400, 'validation_failed'],
  // 1 MB strings: refused by the body limit before anything reads them
  ...STRING_FIELDS.map((field): JsonCase => [`1 MB ${field}`, { ...valid, [field]: MB }, 413, 'payload_too_large']),
  // SQL injection in every string field (each also fails its own rule)
  ...STRING_FIELDS.flatMap((field) =>
    SQL_INJECTIONS.slice(0, 2).map((sql): JsonCase => [`SQL in ${field}: ${sql}`, { ...valid, [field]: field === 'name' || field === 'message' || field === 'dedication' ? `${sql}\u0000` : sql }, 400, 'validation_failed']),
  ),
];

describe('POST /api/pledges (JSON) refuses hostile bodies', () => {
  it.each(JSON_CASES)('%s -> %i %s, nothing written', async (_label, body, status, code) => {
    const res = await expectNothingWritten(h, () =>
      request(h.app).post('/api/pledges').set('Content-Type', 'application/json').send(JSON.stringify(body)),
    );
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expectNoLeak(res.text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('SQL-looking text that is otherwise valid is stored as text, never run', async () => {
    // The one case that writes: proof the injection is data (the tables are all still there).
    const res = await request(h.app).post('/api/pledges').send({ ...valid, name: "Robert'); DROP TABLE pledges;--" });
    expect(res.status).toBe(201);
    const row = await h.db.prisma.pledge.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.name).toBe("Robert'); DROP TABLE pledges;--");
    await h.db.prisma.pledge.delete({ where: { id: row.id } });
  });
});

type RawCase = [label: string, contentType: string | undefined, body: Buffer | string, status: number, code: string, extra?: Array<[string, string]>];

const deep = (n: number, open: string, close: string, inner = '1') => `${open.repeat(n)}${inner}${close.repeat(n)}`;
const json = (o: unknown) => JSON.stringify(o);
const gzipBomb = zlib.gzipSync(Buffer.alloc(10 << 20, 0x20)); // 10 MB of spaces in ~10 KB

const RAW_CASES: RawCase[] = [
  ['10,000 nested arrays', 'application/json', deep(10_000, '[', ']'), 413, 'payload_too_large'],
  ['10,000 nested objects', 'application/json', deep(10_000, '{"a":', '}'), 413, 'payload_too_large'],
  ['5,000 nested arrays (under the limit)', 'application/json', deep(5_000, '[', ']'), 400, 'validation_failed'],
  ['5,000 nested arrays in a field', 'application/json', `{"campaign":"open-usd","amount":${deep(5_000, '[', ']')}}`, 400, 'validation_failed'],
  ['truncated JSON', 'application/json', '{"campaign":"open-usd","amount":25', 400, 'invalid_body'],
  ['JSON with a trailing comma', 'application/json', '{"campaign":"open-usd",}', 400, 'invalid_body'],
  ['JSON with comments', 'application/json', '{/* x */"campaign":"open-usd"}', 400, 'invalid_body'],
  ['NaN literal', 'application/json', json(valid).replace('2500', 'NaN'), 400, 'invalid_body'],
  ['Infinity literal', 'application/json', json(valid).replace('2500', 'Infinity'), 400, 'invalid_body'],
  ['1e309 (Infinity after parsing)', 'application/json', json(valid).replace('2500', '1e309'), 400, 'validation_failed'],
  ['hex number', 'application/json', json(valid).replace('2500', '0x9C4'), 400, 'invalid_body'],
  ['duplicate keys, last one bad', 'application/json', json(valid).replace('"amount":2500', '"amount":2500,"amount":-2500'), 400, 'validation_failed'],
  ['duplicate keys, last one a string', 'application/json', json(valid).replace('"email":"donor@example.org"', '"email":"donor@example.org","email":["x"]'), 400, 'validation_failed'],
  ['__proto__ key', 'application/json', json(valid).replace('{', '{"__proto__":{"polluted":true},'), 400, 'validation_failed'],
  ['invalid UTF-8 bytes in the name', 'application/json', Buffer.concat([Buffer.from(json({ ...valid, name: 'Ann' }).replace('"Ann"', '"Ann')), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), 400, 'invalid_body'],
  ['overlong UTF-8 "/" in the message', 'application/json', Buffer.concat([Buffer.from(json({ ...valid, message: 'x' }).replace('"x"', '"..')), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), 400, 'invalid_body'],
  ['a raw NUL byte in the JSON text', 'application/json', Buffer.concat([Buffer.from('{"campaign":"open-usd"'), Buffer.from([0]), Buffer.from('}')]), 400, 'invalid_body'],
  ['UTF-16 body declared as UTF-8', 'application/json', Buffer.from(json(valid), 'utf16le'), 400, 'invalid_body'],
  ['text/plain', 'text/plain', json(valid), 415, 'unsupported_media_type'],
  ['application/xml', 'application/xml', '<pledge><amount>2500</amount></pledge>', 415, 'unsupported_media_type'],
  ['multipart/form-data', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="amount"\r\n\r\n25\r\n--x--', 415, 'unsupported_media_type'],
  ['no content type', undefined, json(valid), 415, 'unsupported_media_type'],
  ['application/json-patch+json', 'application/json-patch+json', json(valid), 415, 'unsupported_media_type'],
  ['JSON charset latin1', 'application/json; charset=latin1', json(valid), 415, 'unsupported_encoding'],
  ['a form type with a JSON body', 'application/x-www-form-urlencoded', json(valid), 400, 'validation_failed'],
  ['a form charset that is not UTF-8', 'application/x-www-form-urlencoded; charset=koi8-r', 'campaign=open-usd', 415, 'unsupported_encoding'],
  ['gzip bomb', 'application/json', gzipBomb, 413, 'payload_too_large', [['Content-Encoding', 'gzip']]],
  ['corrupt gzip', 'application/json', Buffer.from('not gzip at all'), 400, 'bad_request', [['Content-Encoding', 'gzip']]],
  ['unsupported Content-Encoding', 'application/json', json(valid), 415, 'unsupported_encoding', [['Content-Encoding', 'br, compress']]],
  ['17 KB of whitespace', 'application/json', ' '.repeat(17 * 1024), 413, 'payload_too_large'],
  ['20 KB sent chunked (no Content-Length)', 'application/json', `5000\r\n${' '.repeat(0x5000)}\r\n0\r\n\r\n`, 413, 'payload_too_large', [['Transfer-Encoding', 'chunked']]],
];

describe('POST /api/pledges refuses malformed bodies on the wire', () => {
  it.each(RAW_CASES)('%s -> %i %s, nothing written', async (_label, contentType, body, status, code, extra = []) => {
    const headers: Array<[string, string]> = [...(contentType ? [['Content-Type', contentType] as [string, string]] : []), ['Accept', 'application/json']];
    const chunked = extra.some(([k]) => k === 'Transfer-Encoding');
    const res = await expectNothingWritten(h, () =>
      rawRequest(server, { method: 'POST', path: '/api/pledges', headers: [...headers, ...extra], body, noContentLength: chunked }),
    );
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body).error.code).toBe(code);
    expectNoLeak(res.body);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Idempotency-Key and other header attacks', () => {
  it.each([
    ['with a space', 'has space'],
    ['256 characters', 'k'.repeat(256)],
    ['empty after trimming', ' '],
    ['latin-1 bytes', 'caf\u00e9-key'],
    ['SQL', "x'; DROP TABLE pledges;--"],
    ['JSON', '{"a":1}'.replace(/"/g, '"') + ' x'],
  ])('an Idempotency-Key %s -> 400 naming the header', async (_label, key) => {
    const res = await expectNothingWritten(h, () =>
      rawRequest(server, {
        method: 'POST', path: '/api/pledges',
        headers: [['Content-Type', 'application/json'], ['Idempotency-Key', key]],
        body: Buffer.from(json(valid)),
      }),
    );
    expect(res.status).toBe(400);
    const parsed = JSON.parse(res.body);
    expect(parsed.error.code).toBe('validation_failed');
    expect(parsed.error.details[0].field).toBe('Idempotency-Key');
  });

  it('two Idempotency-Key headers (joined by Node with ", ") -> 400', async () => {
    const res = await expectNothingWritten(h, () =>
      rawRequest(server, {
        method: 'POST', path: '/api/pledges',
        headers: [['Content-Type', 'application/json'], ['Idempotency-Key', 'key-one'], ['Idempotency-Key', 'key-two']],
        body: Buffer.from(json(valid)),
      }),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.details[0].field).toBe('Idempotency-Key');
  });

  it.each([
    ['a bare CR in the Idempotency-Key', 'Idempotency-Key: abc\rSet-Cookie: x=1'],
    ['a NUL in the Idempotency-Key', 'Idempotency-Key: abc\u0000def'],
    ['a header name with a space', 'Idempotency Key: abc'],
    ['an obsolete folded header', 'Idempotency-Key: abc\r\n def'],
  ])('%s is refused by the HTTP parser (400), nothing written', async (_label, line) => {
    const [name, ...rest] = line.split(': ');
    const res = await expectNothingWritten(h, () =>
      rawRequest(server, {
        method: 'POST', path: '/api/pledges',
        headers: [['Content-Type', 'application/json'], [name!, rest.join(': ')]],
        body: Buffer.from(json(valid)),
      }).catch((e: { code?: string }) => ({ status: e.code, headers: {} as Record<string, string>, body: '' })),
    );
    expect([400, 'ECONNRESET']).toContain(res.status);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('conflicting Content-Length and Transfer-Encoding (request smuggling) -> 400', async () => {
    const res = await expectNothingWritten(h, () =>
      rawRequest(server, {
        method: 'POST', path: '/api/pledges',
        headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked'], ['Content-Length', '5']],
        body: Buffer.from(`${json(valid).length.toString(16)}\r\n${json(valid)}\r\n0\r\n\r\n`),
      }).catch((e: { code?: string }) => ({ status: e.code, headers: {} as Record<string, string>, body: '' })),
    );
    expect([400, 'ECONNRESET']).toContain(res.status);
  });
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const validForm = { campaign: 'open-usd', amount: '25', currency: 'usd', frequency: 'once', email: 'donor@example.org' };

type FormCase = [label: string, body: string | Buffer, status: number];

const FORM_CASES: FormCase[] = [
  ['amount negative', form({ ...validForm, amount: '-25' }), 400],
  ['amount with letters', form({ ...validForm, amount: '25abc' }), 400],
  ['amount in exponent form', form({ ...validForm, amount: '2.5e1' }), 400],
  ['amount with too many decimals', form({ ...validForm, amount: '25.505' }), 400],
  ['amount huge', form({ ...validForm, amount: '9'.repeat(30) }), 400],
  ['amount Infinity', form({ ...validForm, amount: 'Infinity' }), 400],
  ['amount NaN', form({ ...validForm, amount: 'NaN' }), 400],
  ['amount with Arabic-Indic digits', form({ ...validForm, amount: '٢٥' }), 400],
  ['amount with fullwidth digits', form({ ...validForm, amount: '２５' }), 400],
  ['JPY amount with decimals', form({ ...validForm, campaign: 'open-jpy', currency: 'jpy', amount: '500.5' }), 400],
  ['two amounts (qs array)', `${form(validForm)}&amount=30`, 400],
  ['amount as a qs object', `${form({ ...validForm, amount: '' })}&amount[$gt]=0`, 400],
  ['frequency as a qs array', `${form(validForm)}&frequency[]=monthly`, 400],
  ['email with CRLF', form({ ...validForm, email: 'a@b.org\r\nBcc: c@d.org' }), 400],
  ['name with an RTL override', form({ ...validForm, name: 'Ann\u202Egnp.exe' }), 400],
  ['message with a NUL', form({ ...validForm, message: 'a\u0000b' }), 400],
  ['message with an undecodable escape', `${form(validForm)}&message=%FF%FE`, 400],
  ['name with an overlong UTF-8 slash', `${form(validForm)}&name=%C0%AF`, 400],
  ['a stray percent sign', `${form(validForm)}&message=100%`, 400],
  ['raw invalid UTF-8 bytes', Buffer.concat([Buffer.from(`${form(validForm)}&name=Ann`), Buffer.from([0xff])]), 400],
  ['SQL in the email', form({ ...validForm, email: "' OR 1=1--@x.org" }), 400],
  ['SQL in the name with a control', form({ ...validForm, name: "x');DROP TABLE pledges;--\u0007" }), 400],
  ['an unknown field', form({ ...validForm, status: 'completed' }), 400],
  ['__proto__ field', `${form({ ...validForm, amount: 'x' })}&__proto__[polluted]=1`, 400],
  ['constructor[prototype] field', `${form(validForm)}&constructor[prototype][polluted]=1`, 400],
  ['a form_token with slashes', form({ ...validForm, form_token: '../../../../etc/passwd' }), 400],
  ['60 parameters (over the parameter limit)', `${form(validForm)}&${Array.from({ length: 60 }, (_, i) => `p${i}=1`).join('&')}`, 413],
  ['a currency not the campaign\'s', form({ ...validForm, currency: 'eur' }), 400],
  ['a checkbox with a strange value', form({ ...validForm, anonymous: 'yes please' }), 400],
];

describe('POST /api/pledges (HTML form) refuses hostile forms', () => {
  it.each(FORM_CASES)('%s -> %i, nothing written', async (_label, body, status) => {
    // On the socket: supertest re-encodes a Buffer sent as a form.
    const res = await expectNothingWritten(h, () =>
      rawRequest(server, { method: 'POST', path: '/api/pledges', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body }),
    );
    expect(res.status).toBe(status);
    expect(res.headers.location).toBeUndefined();
    // The HTML form's post is answered in HTML: the form again, or a page with the reason.
    expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<form|data-status="4\d\d"/);
    expect(res.body).not.toMatch(/<script>|DROP TABLE pledges;--<\//);
    expectNoLeak(res.body);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['unknown campaign', form({ ...validForm, campaign: 'no-such' })],
    ['campaign as a traversal', form({ ...validForm, campaign: '../../admin' })],
    ['campaign with SQL', form({ ...validForm, campaign: "open-usd' OR '1'='1" })],
    ['campaign as a qs array', `${form({ ...validForm, campaign: '' })}&campaign[]=open-usd`],
  ])('%s -> 400 naming the campaign: a page for a browser, JSON for a client asking for it', async (_label, body) => {
    const res = await expectNothingWritten(h, () =>
      request(h.app).post('/api/pledges').set('Content-Type', 'application/x-www-form-urlencoded').send(body),
    );
    expect(res.status).toBe(400);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('We could not find that campaign');
    const api = await expectNothingWritten(h, () =>
      request(h.app).post('/api/pledges').set('Content-Type', 'application/x-www-form-urlencoded').set('Accept', 'application/json').send(body),
    );
    expect(api.status).toBe(400);
    expect(api.body.error.code).toBe('validation_failed');
    expect(api.body.error.details[0].field).toBe('campaign');
  });

  it('a 1 MB form field -> 413', async () => {
    const res = await expectNothingWritten(h, () =>
      request(h.app).post('/api/pledges').type('form').send(form({ ...validForm, message: MB })),
    );
    expect(res.status).toBe(413);
    expect(res.text).toContain('That form was too long');
    expectNoLeak(res.text);
  });
});
