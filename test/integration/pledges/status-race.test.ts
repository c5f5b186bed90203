// A pledge's status only moves forward, whichever write lands last. The race from review: a slow
// POST /api/pledges (its Checkout Session made, Stripe's answer still on the wire) lands after a
// retry under the same Idempotency-Key got the same session, the donor paid, and the webhook
// committed. Real PostgreSQL, the real SDK, the emulator, signed webhooks; only the network between
// the app and the emulator is slowed.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pledgeStatusMayBecome } from '../../../src/pledges/pledge-status-rule.ts';
import type { StripeEmulator } from 'stripe-emulator';
import { createStripeClient } from '../../../src/stripe/stripe-client.ts';
import { buildApp, emulatorStripe, listen, startEmulator } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { startSlowNetwork, type SlowNetwork } from '../../helpers/slow-network.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let network: SlowNetwork;
let server: Awaited<ReturnType<typeof listen>>;
// Two instances on one database: one whose Stripe calls wait as long as the test holds them, one
// that gives up after 1.5 s (Stripe's answer lost on the way).
let patient: ReturnType<typeof buildApp>;
let impatient: ReturnType<typeof buildApp>;

const valid = { campaign: 'race', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };
const isSessionCreate = (method: string, path: string) => method === 'POST' && path === '/v1/checkout/sessions';

beforeAll(async () => {
  db = await createTestDatabase();
  let handler: Parameters<typeof listen>[0] = (_req, res) => res.writeHead(503).end();
  server = await listen((req, res) => handler(req, res));
  emulator = await startEmulator({ webhookUrls: [`${server.url}/webhooks/stripe`], deliverWebhooks: true });
  network = await startSlowNetwork(emulator);
  const stripe = (timeoutMs: number) =>
    createStripeClient({ secretKey: 'sk_test_emulator', host: '127.0.0.1', port: network.port, protocol: 'http', timeoutMs, maxNetworkRetries: 0 });
  patient = buildApp(db, { stripe: stripe(60_000), checkoutOrigin: emulator.url });
  impatient = buildApp(db, { stripe: stripe(1500), checkoutOrigin: emulator.url });
  handler = patient as never;
});
afterAll(async () => {
  await network?.close();
  await emulator?.stop();
  await server?.close();
  await db?.drop();
});
beforeEach(async () => {
  await truncateAll(db);
  await insertCampaign(db, { slug: 'race' });
});

const pledgeRow = async () => db.prisma.pledge.findFirstOrThrow();
const pay = (sessionId: string, outcome = 'succeeded') =>
  emulatorStripe(emulator).rawRequest('POST', `/v1/test_helpers/checkout/sessions/${sessionId}/pay`, { outcome });

/** The first request's Stripe answer is held; a retry gets the session, the donor pays it. */
async function paidWhileFirstRequestIsSlow(key: string, outcome = 'succeeded', slowApp = patient) {
  const held = network.holdNext(isSessionCreate);
  const slow = request(slowApp).post('/api/pledges').set('Idempotency-Key', key).send(valid).then((r) => r);
  await held.answered;
  const retry = await request(server.url).post('/api/pledges').set('Idempotency-Key', key).send(valid).expect(201);
  await pay(retry.body.checkoutSessionId, outcome);
  await emulator.flushDeliveries();
  return { held, slow, retry };
}

describe('a slow request landing after the webhook', () => {
  it('does not move a completed pledge back to pending', async () => {
    const { held, slow, retry } = await paidWhileFirstRequestIsSlow('race-completed');
    expect(await pledgeRow()).toMatchObject({ status: 'completed', checkoutSessionId: retry.body.checkoutSessionId });

    held.release();
    const late = await slow;
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ id: retry.body.id, checkoutSessionId: retry.body.checkoutSessionId, status: 'completed' });
    const pledge = await pledgeRow();
    expect(pledge).toMatchObject({ status: 'completed', checkoutSessionId: retry.body.checkoutSessionId });
    expect(pledge.completedAt).not.toBeNull();
    // And the donor's page says so.
    const thanks = await request(server.url).get(`/donate/thanks?session_id=${retry.body.checkoutSessionId}`).expect(200);
    expect(thanks.text).not.toMatch(/confirming/i);
  });

  it('does not move a pledge whose bank debit was paid and then bounced back to pending', async () => {
    const { held, slow, retry } = await paidWhileFirstRequestIsSlow('race-bounced', 'delayed');
    await emulatorStripe(emulator).rawRequest('POST', `/v1/test_helpers/checkout/sessions/${retry.body.checkoutSessionId}/settle`, { outcome: 'failed' });
    await emulator.flushDeliveries();
    expect((await pledgeRow()).status).toBe('failed');

    held.release();
    expect((await slow).status).toBe(201);
    expect((await pledgeRow()).status).toBe('failed');
  });

  it('a request whose Stripe answer never came does not mark the paid pledge failed', async () => {
    const { slow } = await paidWhileFirstRequestIsSlow('race-timeout', 'succeeded', impatient);
    // Never released: the SDK gives up, and the service marks the pledge as not reaching Stripe
    // (a no-op now: the retry attached the session and the webhook completed it).
    expect((await slow).status).toBe(503);
    expect(await pledgeRow()).toMatchObject({ status: 'completed' });
  });
});

describe('a pledge that never reached Stripe', () => {
  it('is failed, and pending again once a retry makes its session', async () => {
    emulator.setFailureMode({ status: 500, times: 10 });
    await request(server.url).post('/api/pledges').set('Idempotency-Key', 'outage').send(valid).expect(503);
    expect(await pledgeRow()).toMatchObject({ status: 'failed', checkoutSessionId: null });
    emulator.setFailureMode(null);
    const retry = await request(server.url).post('/api/pledges').set('Idempotency-Key', 'outage').send(valid).expect(201);
    expect(retry.body.status).toBe('pending');
    expect(await pledgeRow()).toMatchObject({ status: 'pending', checkoutSessionId: retry.body.checkoutSessionId });
  });
});

describe('the one rule, as PostgreSQL applies it', () => {
  const order = ['pending', 'expired', 'completed', 'failed', 'cancelled'] as const;

  it('allows only later states, and failed -> pending only while there is no Checkout Session', async () => {
    const campaign = await db.prisma.campaign.findFirstOrThrow();
    const seen: string[] = [];
    for (const from of order) {
      for (const withSession of [true, false]) {
        const pledge = await db.prisma.pledge.create({
          data: {
            campaignId: campaign.id, amount: 1000, currency: 'usd', frequency: 'once', email: 'a@example.org', status: from,
            checkoutSessionId: withSession ? `cs_test_${from}` : null,
          },
        });
        for (const to of order) {
          const [row] = await db.prisma.$queryRaw<Array<{ ok: boolean }>>`
            SELECT ${pledgeStatusMayBecome(to)} AS ok FROM pledges WHERE id = ${pledge.id}::uuid`;
          if (row!.ok) seen.push(`${from}${withSession ? '' : '(no session)'} -> ${to}`);
        }
        await db.prisma.pledge.delete({ where: { id: pledge.id } });
      }
    }
    const forward = order.flatMap((from, i) => order.slice(i + 1).map((to) => `${from} -> ${to}`));
    const forwardWithout = forward.map((t) => t.replace(' ->', '(no session) ->'));
    expect(seen.sort()).toEqual([...forward, ...forwardWithout, 'failed(no session) -> pending'].sort());
  });
});
