// Table-driven bad input on POST /api/pledges: each case gets a 400 naming the field, and
// nothing is written, neither a pledge nor a call to Stripe.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, startEmulator } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let app: ReturnType<typeof buildApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  app = buildApp(db, { stripe: emulatorStripe(emulator), checkoutOrigin: emulator.url });
  await insertCampaign(db, { slug: 'open-usd', currency: 'usd' });
  await insertCampaign(db, { slug: 'open-jpy', currency: 'jpy' });
  await insertCampaign(db, { slug: 'open-bhd', currency: 'bhd' });
  await insertCampaign(db, { slug: 'upcoming', startsAt: new Date(Date.now() + 86_400_000), endsAt: new Date(Date.now() + 2 * 86_400_000) });
  await insertCampaign(db, { slug: 'closed', startsAt: new Date(Date.now() - 2 * 86_400_000), endsAt: new Date(Date.now() - 1000) });
});
afterAll(async () => {
  await emulator.stop();
  await db.drop();
});

const valid = { campaign: 'open-usd', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };

type Case = [label: string, body: Record<string, unknown>, field: string];

const cases: Case[] = [
  ['missing campaign', { ...valid, campaign: undefined }, 'campaign'],
  ['unknown campaign', { ...valid, campaign: 'no-such-campaign' }, 'campaign'],
  ['malformed campaign slug', { ...valid, campaign: '../../etc/passwd' }, 'campaign'],
  ['campaign not open yet', { ...valid, campaign: 'upcoming' }, 'campaign'],
  ['campaign closed', { ...valid, campaign: 'closed' }, 'campaign'],
  ['missing amount', { ...valid, amount: undefined }, 'amount'],
  ['amount as a string', { ...valid, amount: '2500' }, 'amount'],
  ['amount with decimals', { ...valid, amount: 25.5 }, 'amount'],
  ['zero amount', { ...valid, amount: 0 }, 'amount'],
  ['negative amount', { ...valid, amount: -2500 }, 'amount'],
  ['amount under the Stripe minimum', { ...valid, amount: 49 }, 'amount'],
  ['amount over the maximum', { ...valid, amount: 99_999_999 }, 'amount'],
  ['amount beyond integers', { ...valid, amount: 1e20 }, 'amount'],
  ['amount as an object', { ...valid, amount: { $gt: 0 } }, 'amount'],
  ['JPY under its minimum', { ...valid, campaign: 'open-jpy', currency: 'jpy', amount: 49 }, 'amount'],
  ['BHD not in tens of fils', { ...valid, campaign: 'open-bhd', currency: 'bhd', amount: 5125 }, 'amount'],
  ['missing currency', { ...valid, currency: undefined }, 'currency'],
  ['currency of another campaign', { ...valid, currency: 'eur' }, 'currency'],
  ['currency not a code', { ...valid, currency: 'dollars' }, 'currency'],
  ['missing frequency', { ...valid, frequency: undefined }, 'frequency'],
  ['frequency weekly', { ...valid, frequency: 'weekly' }, 'frequency'],
  ['missing email', { ...valid, email: undefined }, 'email'],
  ['email without a domain', { ...valid, email: 'donor@' }, 'email'],
  ['email too long', { ...valid, email: `${'a'.repeat(250)}@example.org` }, 'email'],
  ['email with a header injection', { ...valid, email: 'a@b.org\r\nBcc: x@y.org' }, 'email'],
  ['name too long', { ...valid, name: 'n'.repeat(101) }, 'name'],
  ['name with a control character', { ...valid, name: 'Ann\u0007' }, 'name'],
  ['name with a bidi override', { ...valid, name: 'Ann\u202Egnp.exe' }, 'name'],
  ['name on two lines', { ...valid, name: 'Ann\nBob' }, 'name'],
  ['message too long', { ...valid, message: 'm'.repeat(501) }, 'message'],
  ['message with a NUL', { ...valid, message: 'hi\u0000there' }, 'message'],
  ['dedication too long', { ...valid, dedication: 'd'.repeat(201) }, 'dedication'],
  ['dedication with zero-width characters', { ...valid, dedication: 'In memory\u200B of' }, 'dedication'],
  // Issue 12: characters that draw nothing, and the blank public name they made.
  ['name of a Hangul filler alone (U+3164)', { ...valid, name: '\u3164' }, 'name'],
  ['name with tag characters', { ...valid, name: 'Ann\u{E0041}\u{E0042}' }, 'name'],
  ['name with a variation selector', { ...valid, name: 'An\uFE00n' }, 'name'],
  ['message with U+180E', { ...valid, message: 'hi\u180Ethere' }, 'message'],
  ['dedication with a soft hyphen', { ...valid, dedication: 'In mem\u00ADory' }, 'dedication'],
  ['anonymous as a string', { ...valid, anonymous: 'yes' }, 'anonymous'],
  ['coverFees as a number', { ...valid, coverFees: 1 }, 'coverFees'],
  ['an unknown field', { ...valid, status: 'completed' }, 'status'],
  ['a prototype-pollution field', JSON.parse('{"campaign":"open-usd","amount":2500,"currency":"usd","frequency":"once","email":"a@b.org","__proto__":{"x":1}}'), '__proto__'],
];

describe('POST /api/pledges refuses bad input', () => {
  it.each(cases)('%s -> 400 naming %s, nothing written', async (_label, body, field) => {
    const before = emulator.requests.length;
    const res = await request(app).post('/api/pledges').send(body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { field?: string }) => d.field)).toContain(field);
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
    expect(await db.prisma.pledge.count()).toBe(0);
    expect(emulator.requests.length).toBe(before);
  });

  it.each([
    ['a malformed Idempotency-Key', { 'Idempotency-Key': 'has spaces in it' }],
    ['an overlong Idempotency-Key', { 'Idempotency-Key': 'k'.repeat(256) }],
  ])('%s -> 400 naming the header', async (_label, headers) => {
    const res = await request(app).post('/api/pledges').set(headers).send(valid).expect(400);
    expect(res.body.error.details[0].field).toBe('Idempotency-Key');
    expect(await db.prisma.pledge.count()).toBe(0);
  });

  it('refuses a body that is not JSON or a form with 415', async () => {
    const res = await request(app).post('/api/pledges').set('Content-Type', 'text/plain').send('amount=5').expect(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
    expect(await db.prisma.pledge.count()).toBe(0);
  });

  it('refuses an oversized body with 413', async () => {
    await request(app).post('/api/pledges').send({ ...valid, message: 'x'.repeat(20_000) }).expect(413);
    expect(await db.prisma.pledge.count()).toBe(0);
  });
});
