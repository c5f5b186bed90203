// Issue 12, items 5 and 6. A verified event whose envelope PostgreSQL would refuse (a bad
// `created`, nesting 5,000 deep, a type or id longer than its column, a NUL) used to fail in the
// claim and again in the failure record: a 500 on every one of Stripe's retries. Each is now stored
// as failed with its reason and answered 200. And an event that is not this service's (livemode
// against the key's mode, another account when STRIPE_ACCOUNT_ID is set) is stored as ignored with
// the reason, applied to nothing, and answered 200. Real signatures, real PostgreSQL, and for the
// scope checks the emulator's own checkout.session.completed for a real pledge.
import request from 'supertest';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { signed, startHarness, type Harness } from './webhook-harness.ts';

let db: TestDatabase;
let h: Harness;
beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db, { deliverWebhooks: false });
});
afterAll(async () => {
  await h.close();
  await db.drop();
});

const post = (app: unknown, payload: string) =>
  request(app as never).post('/webhooks/stripe').set({ 'Content-Type': 'application/json', 'Stripe-Signature': signed(payload) }).send(payload);

async function row(id: string) {
  const { rows } = await db.pool.query(
    'SELECT status::text, last_error AS "lastError", attempts, stripe_created_at AS "createdAt", length(id) AS "idLength" FROM webhook_events WHERE id = $1',
    [id],
  );
  return rows[0] as { status: string; lastError: string | null; attempts: number; createdAt: Date } | undefined;
}

let n = 0;
/** A checkout.session.completed with `patch` over its envelope; `raw` replaces "RAW" in the JSON text. */
function payloadOf(patch: Record<string, unknown>, raw?: string): { id: string; payload: string } {
  const id = (patch.id as string | undefined) ?? `evt_envelope_${process.pid}_${++n}`;
  const event = {
    id, object: 'event', type: 'checkout.session.completed', created: 1_700_000_000, livemode: false, api_version: '2026-10-28.endive',
    data: { object: { id: `cs_envelope_${n}`, object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 2500, currency: 'usd' } },
    ...patch,
  };
  const text = JSON.stringify(event);
  return { id, payload: raw === undefined ? text : text.replace('"RAW"', raw) };
}

describe('a verified event with an envelope the database would refuse is stored as failed, with a 200', () => {
  const deep = (open: string, close: string) => `${open.repeat(5000)}1${close.repeat(5000)}`;
  const cases: Array<[label: string, patch: Record<string, unknown>, raw?: string]> = [
    ['created "abc"', { created: 'abc' }],
    ['created null', { created: null }],
    ['created 1e20', { created: 1e20 }],
    ['created -1e12', { created: -1e12 }],
    ['created 1.5', { created: 1.5 }],
    ['no created', { created: undefined }],
    ['an object nested 5,000 deep', { data: { object: { id: 'cs_deep_1', object: 'checkout.session', extra: 'RAW' } } }, deep('{"a":', '}')],
    ['an array nested 5,000 deep', { data: { object: { id: 'cs_deep_2', object: 'checkout.session', extra: 'RAW' } } }, deep('[', ']')],
    ['a type of 150 characters', { type: `checkout.${'x'.repeat(141)}` }],
    ['a type that is a number', { type: 42 }],
    ['livemode "abc"', { livemode: 'abc' }],
    ['an api_version of 100 characters', { api_version: 'v'.repeat(100) }],
    ['a NUL in a field of the object', { data: { object: { id: 'cs_nul', object: 'checkout.session', metadata: { note: 'a\u0000b' } } } }],
  ];

  it.each(cases)('%s', async (_label, patch, raw) => {
    const { id, payload } = payloadOf(patch, raw);
    for (let delivery = 1; delivery <= 3; delivery++) {
      const res = await post(h.app, payload);
      expect(res.status, res.text).toBe(200);
      expect(res.body.status).toBe('failed');
    }
    const stored = await row(id);
    expect(stored?.status).toBe('failed');
    expect(stored?.lastError).toBeTruthy();
    expect(stored?.attempts).toBe(3);
  });

  it('an object id longer than its column: stored (the id left out of the column), never a 500', async () => {
    const { id, payload } = payloadOf({ data: { object: { id: `cs_${'o'.repeat(300)}`, object: 'checkout.session' } } });
    const res = await post(h.app, payload);
    expect(res.status, res.text).toBe(200);
    expect(['failed', 'ignored']).toContain(res.body.status);
    expect((await row(id))?.status).toBe(res.body.status);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('a type named like an object property (%s) is an unhandled type: ignored', async (type) => {
    const { id, payload } = payloadOf({ type });
    const res = await post(h.app, payload);
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('ignored');
    expect((await row(id))?.status).toBe('ignored');
  });

  it('an id that cannot be stored (longer than 255, or not printable) is a 400 and stores nothing', async () => {
    for (const id of [`evt_${'i'.repeat(300)}`, 'evt_with space', 'evt_\u0000', '']) {
      const res = await post(h.app, payloadOf({ id }).payload);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_body');
    }
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM webhook_events WHERE id LIKE 'evt_i%' OR id LIKE 'evt_with%'");
    expect(rows[0].n).toBe(0);
  });
});

describe('an event that is not this service\'s is stored as ignored with the reason, and moves no money', () => {
  /** A real pledge paid on the emulator, and the checkout.session.completed the emulator made for it. */
  async function paidPledge(): Promise<{ event: Stripe.Event; pledgeId: string }> {
    await truncateAll(db);
    await insertCampaign(db, { slug: 'scope' });
    const pledge = await h.pledge({ campaign: 'scope', amount: 2500 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`, { outcome: 'succeeded' });
    const events = await h.stripe.events.list({ limit: 100 });
    const event = events.data.find((e) => e.type === 'checkout.session.completed' && (e.data.object as { id: string }).id === pledge.checkoutSessionId);
    expect(event).toBeDefined();
    return { event: event!, pledgeId: pledge.id };
  }

  async function outcome(app: unknown, event: Stripe.Event, pledgeId: string) {
    const res = await post(app, JSON.stringify(event));
    expect(res.status, res.text).toBe(200);
    const stored = await row(event.id);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM payments WHERE pledge_id = $1', [pledgeId]);
    return { answer: res.body.status as string, stored: stored?.status, note: stored?.lastError, payments: rows[0].n as number };
  }

  it('a live event reaching a test-mode service (the emulator\'s key) is ignored', async () => {
    const { event, pledgeId } = await paidPledge();
    const result = await outcome(h.app, { ...event, livemode: true }, pledgeId);
    expect(result).toMatchObject({ answer: 'ignored', stored: 'ignored', payments: 0 });
    expect(result.note).toMatch(/livemode/);
    // The same event as the test account sends it is applied.
    const ours = await outcome(h.app, { ...event, id: `${event.id}_test` }, pledgeId);
    expect(ours).toMatchObject({ answer: 'processed', payments: 1 });
  });

  it('a test event reaching a live-mode service is ignored', async () => {
    const { event, pledgeId } = await paidPledge();
    const live = buildApp(db, { stripe: h.stripe, config: testConfig({ STRIPE_SECRET_KEY: 'sk_live_abc123' }) });
    const result = await outcome(live, event, pledgeId);
    expect(result).toMatchObject({ answer: 'ignored', stored: 'ignored', payments: 0 });
    expect(result.note).toMatch(/livemode/);
  });

  it('with STRIPE_ACCOUNT_ID set, an event for another account is ignored; the account\'s own are applied', async () => {
    const { event, pledgeId } = await paidPledge();
    const app = buildApp(db, { stripe: h.stripe, config: testConfig({ STRIPE_ACCOUNT_ID: 'acct_1OurNewsroom' }) });
    const other = await outcome(app, { ...event, account: 'acct_1SomeoneElse' } as Stripe.Event, pledgeId);
    expect(other).toMatchObject({ answer: 'ignored', stored: 'ignored', payments: 0 });
    expect(other.note).toMatch(/acct_1SomeoneElse/);
    const own = await outcome(app, { ...event, id: `${event.id}_own`, account: 'acct_1OurNewsroom' } as Stripe.Event, pledgeId);
    expect(own).toMatchObject({ answer: 'processed', payments: 1 });
  });
});
