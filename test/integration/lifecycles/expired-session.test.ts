// Checkout sessions that expire: checkout.session.expired makes the pledge expired, and the donor
// who retries (the same form token, the same Idempotency-Key) gets a new pledge and a new session
// instead of the dead Checkout page of the old one.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { inbox, startHarness, totals, type Harness } from '../webhooks/webhook-harness.ts';

let db: TestDatabase;
let h: Harness;
let campaignId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db);
  campaignId = (await insertCampaign(db, { slug: 'expiry' })).id;
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});

const body = { campaign: 'expiry', amount: 2500, currency: 'usd', frequency: 'once', email: 'late@example.org' };
const post = (key: string, extra: Record<string, unknown> = {}) =>
  request(h.url).post('/api/pledges').set('Idempotency-Key', key).send({ ...body, ...extra });
const statusOf = async (id: string) => (await db.pool.query('SELECT status::text FROM pledges WHERE id = $1', [id])).rows[0]?.status;

describe('a Checkout Session that expires', () => {
  it('expires the pledge; the same request again starts a new pledge with a new session, which can be paid', async () => {
    const first = (await post('expiry-1').expect(201)).body;
    // Before expiry, the same key replays the same session.
    const replay = await post('expiry-1').expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.checkoutSessionId).toBe(first.checkoutSessionId);

    const expired = await h.helper(`/v1/test_helpers/checkout/sessions/${first.checkoutSessionId}/expire`);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    await h.emulator.flushDeliveries();
    expect(await statusOf(first.id)).toBe('expired');
    const event = h.emulator.events.find((e) => e.type === 'checkout.session.expired' && (e.data.object as { id: string }).id === first.checkoutSessionId)!;
    expect(event.request).toEqual({ id: null, idempotency_key: null });

    const retried = await post('expiry-1').expect(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body.id).not.toBe(first.id);
    expect(retried.body.checkoutSessionId).not.toBe(first.checkoutSessionId);
    expect(retried.body.status).toBe('pending');
    // The retry's answer is now what the key replays; the old pledge keeps its expiry.
    expect((await post('expiry-1').expect(201)).body.checkoutSessionId).toBe(retried.body.checkoutSessionId);
    await post('expiry-1', { amount: 9999 }).expect(409);

    await h.helper(`/v1/test_helpers/checkout/sessions/${retried.body.checkoutSessionId}/pay`);
    await h.emulator.flushDeliveries();
    expect(await statusOf(first.id)).toBe('expired');
    expect(await statusOf(retried.body.id)).toBe('completed');
    expect(await totals(db, campaignId)).toMatchObject({ raised: 2500, donors: 1, donations: 1 });
    expect((await inbox(db)).filter((e) => e.status !== 'processed' && e.status !== 'ignored')).toEqual([]);
  });

  it('a session past its expires_at is over even before Stripe says so: the retry starts again', async () => {
    const first = (await post('expiry-2').expect(201)).body;
    // The attempt was made long ago: its session's expires_at (CHECKOUT_EXPIRY_MINUTES) has passed.
    await db.pool.query(`UPDATE pledges SET created_at = now() - interval '3 hours' WHERE id = $1`, [first.id]);
    const retried = await post('expiry-2').expect(201);
    expect(retried.body.id).not.toBe(first.id);
    expect(retried.body.checkoutSessionId).not.toBe(first.checkoutSessionId);
    // Stripe's own event still marks the old attempt expired when it comes.
    await h.helper(`/v1/test_helpers/checkout/sessions/${first.checkoutSessionId}/expire`);
    await h.emulator.flushDeliveries();
    expect(await statusOf(first.id)).toBe('expired');
    expect(await statusOf(retried.body.id)).toBe('pending');
  });

  it('the HTML form re-posted with its token after expiry goes to a new Checkout page', async () => {
    const form = { campaign: 'expiry', amount: '25.00', currency: 'usd', frequency: 'once', email: 'form@example.org', form_token: 'tok-expiry-000000000001' };
    const first = await request(h.url).post('/api/pledges').type('form').send(form);
    expect(first.status).toBe(303);
    const sessionId = first.headers.location!.split('/').pop()!;
    await h.helper(`/v1/test_helpers/checkout/sessions/${sessionId}/expire`);
    await h.emulator.flushDeliveries();
    const again = await request(h.url).post('/api/pledges').type('form').send(form);
    expect(again.status).toBe(303);
    expect(again.headers.location).not.toBe(first.headers.location);
    const open = await h.stripe.checkout.sessions.retrieve(again.headers.location!.split('/').pop()!);
    expect(open.status).toBe('open');
  });
});
