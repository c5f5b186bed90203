// Hostile deliveries to POST /webhooks/stripe: anything unsigned, badly signed, stale, oversized or
// not a Stripe event is a 400 (issue 4: an oversized body too, since its signature cannot be
// checked), stores nothing and calls nothing.
import zlib from 'node:zlib';
import Stripe from 'stripe';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, TEST_WEBHOOK_SECRET } from '../../helpers/app.ts';
import { expectNoLeak, expectNothingWritten, hostileSetup, rawRequest, type Hostile } from './hostile-harness.ts';

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

// On the socket, byte for byte (supertest would re-encode a Buffer body).
const post = (body: string | Buffer, headers: Record<string, string>) =>
  rawRequest(server, { method: 'POST', path: '/webhooks/stripe', headers: Object.entries(headers), body: Buffer.from(body) });

const stripe = new Stripe('sk_test_unused');
const sign = (payload: string, secret = TEST_WEBHOOK_SECRET, timestamp?: number) =>
  stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });

const event = JSON.stringify({
  id: 'evt_hostile_1', object: 'event', type: 'checkout.session.completed', created: 1_700_000_000, api_version: '2025-03-31.basil',
  data: { object: { id: 'cs_test_x', object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 2500, currency: 'usd' } },
});

type Case = [label: string, body: string | Buffer, headers: Record<string, string>, code: string];

const now = () => Math.floor(Date.now() / 1000);
const big = (bytes: number) => JSON.stringify({ id: 'evt_big', type: 'charge.refunded', data: { object: { pad: 'x'.repeat(bytes) } } });

const CASES: Array<() => Case> = [
  () => ['no Stripe-Signature', event, {}, 'missing_signature'],
  () => ['empty Stripe-Signature', event, { 'Stripe-Signature': '' }, 'missing_signature'],
  () => ['signature of another body', event.replace('2500', '250000'), { 'Stripe-Signature': sign(event) }, 'invalid_signature'],
  () => ['signed with another secret', event, { 'Stripe-Signature': sign(event, 'whsec_not_the_secret') }, 'invalid_signature'],
  () => ['signed 301 s ago (replay)', event, { 'Stripe-Signature': sign(event, TEST_WEBHOOK_SECRET, now() - 301) }, 'invalid_signature'],
  () => ['signed a day ago', event, { 'Stripe-Signature': sign(event, TEST_WEBHOOK_SECRET, now() - 86_400) }, 'invalid_signature'],
  () => ['v0 scheme only', event, { 'Stripe-Signature': sign(event).replace('v1=', 'v0=') }, 'invalid_signature'],
  () => ['no timestamp', event, { 'Stripe-Signature': sign(event).replace(/t=\d+,/, '') }, 'invalid_signature'],
  () => ['garbage header', event, { 'Stripe-Signature': 'garbage' }, 'invalid_signature'],
  () => ['SQL in the header', event, { 'Stripe-Signature': "t=1,v1=' OR '1'='1" }, 'invalid_signature'],
  () => ['10 KB header', event, { 'Stripe-Signature': `t=${now()},${'v1=00,'.repeat(1500)}` }, 'invalid_signature'],
  () => ['signature truncated by one character', event, { 'Stripe-Signature': sign(event).slice(0, -1) }, 'invalid_signature'],
  () => ['uppercase hex signature', event, { 'Stripe-Signature': sign(event).replace(/v1=([0-9a-f]+)/, (_, h: string) => `v1=${h.toUpperCase()}`) }, 'invalid_signature'],
  () => ['empty body, signed', '', { 'Stripe-Signature': sign('') }, 'invalid_body'],
  () => ['signed, not JSON', 'not json', { 'Stripe-Signature': sign('not json') }, 'invalid_body'],
  () => ['signed, JSON array', '[1,2]', { 'Stripe-Signature': sign('[1,2]') }, 'invalid_body'],
  () => ['signed, JSON null', 'null', { 'Stripe-Signature': sign('null') }, 'invalid_body'],
  () => ['signed, no id', JSON.stringify({ type: 'charge.refunded', data: { object: {} } }), { 'Stripe-Signature': sign(JSON.stringify({ type: 'charge.refunded', data: { object: {} } })) }, 'invalid_body'],
  () => ['signed, no type', JSON.stringify({ id: 'evt_1', data: { object: {} } }), { 'Stripe-Signature': sign(JSON.stringify({ id: 'evt_1', data: { object: {} } })) }, 'invalid_body'],
  () => ['signed, no data.object', JSON.stringify({ id: 'evt_1', type: 'x', data: {} }), { 'Stripe-Signature': sign(JSON.stringify({ id: 'evt_1', type: 'x', data: {} })) }, 'invalid_body'],
  () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    return ['signed, 10,000 nested arrays', deep, { 'Stripe-Signature': sign(deep) }, 'invalid_body'];
  },
  () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    return ['signed, 10,000 nested objects', deep, { 'Stripe-Signature': sign(deep) }, 'invalid_body'];
  },
  () => {
    const bad = Buffer.concat([Buffer.from('{"id":"evt_'), Buffer.from([0xc0, 0xae, 0xff]), Buffer.from('","type":"x","data":{"object":{}}}')]);
    return ['invalid UTF-8, unsigned', bad, { 'Stripe-Signature': 't=1,v1=00' }, 'invalid_signature'];
  },
  () => ['600 KB body (over the limit), unsigned', big(600_000), { 'Stripe-Signature': 't=1,v1=00' }, 'payload_too_large'],
  () => ['1 MB body, validly signed', big(1 << 20), { 'Stripe-Signature': sign(big(1 << 20)) }, 'payload_too_large'],
];

describe('POST /webhooks/stripe refuses what it cannot trust', () => {
  it.each(CASES.map((c) => [c()[0], c] as const))('%s -> 400, nothing stored', async (_label, make) => {
    const [, body, headers, code] = make();
    const res = await expectNothingWritten(h, () => post(body, { 'Content-Type': 'application/json', ...headers }));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe(code);
    expectNoLeak(res.body);
    expect(res.body).not.toContain(TEST_WEBHOOK_SECRET);
  });

  it('a gzip bomb (10 MB inflated, validly signed) -> 400 payload_too_large', async () => {
    const inflated = big(10 << 20);
    const res = await expectNothingWritten(h, () =>
      post(zlib.gzipSync(inflated), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Stripe-Signature': sign(inflated) }),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('payload_too_large');
  });

  it.each(['get', 'put', 'delete'] as const)('%s /webhooks/stripe -> 404', async (method) => {
    const res = await expectNothingWritten(h, () => request(h.app)[method]('/webhooks/stripe').set('Accept', 'application/json'));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('a valid signature with any content type is still verified on the raw bytes', async () => {
    // text/plain must not route the body through another parser that would change the bytes.
    const res = await expectNothingWritten(h, () => post(event, { 'Content-Type': 'text/plain', 'Stripe-Signature': sign(`${event} `) }));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('invalid_signature');
  });
});
