// The cap under concurrency: 200 payments at once, their webhooks spread over two app instances
// (each with its own connection pool on one database), against a pool with less room left than
// the gifts want. The sum of the allocations must equal the pool's allocated total, and that total
// must be exactly the cap: never more (over-allocation), never less (a lost update).
import type Stripe from 'stripe';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../../src/db/client.ts';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, captureLogs, emulatorStripe, listen, startEmulator } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { withDatabase } from '../../helpers/global-setup.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { totals } from '../webhooks/webhook-harness.ts';
import { allocationsOf, insertPool, poolBooks } from './match-pools-helpers.ts';

const GIFTS = 200;
const GIFT = 1000;

let db: TestDatabase;
let second: Database;
let emulator: StripeEmulator;
let stripe: Stripe;
const servers: Array<Awaited<ReturnType<typeof listen>>> = [];
const logs = [captureLogs('info'), captureLogs('info')];

beforeAll(async () => {
  db = await createTestDatabase();
  second = createDatabase(withDatabase(inject('pgAdminUrl'), db.name));
  const handlers: Array<Parameters<typeof listen>[0]> = [];
  for (let i = 0; i < 2; i++) {
    const at = i;
    servers.push(await listen((req, res) => (handlers[at] ? handlers[at]!(req, res) : res.writeHead(503).end())));
  }
  emulator = await startEmulator({ webhookUrls: servers.map((s) => `${s.url}/webhooks/stripe`), deliverWebhooks: true, maxInFlight: 64 });
  stripe = emulatorStripe(emulator, 20_000);
  handlers[0] = buildApp(db, { stripe, checkoutOrigin: emulator.url, logger: logs[0]!.logger }) as never;
  handlers[1] = buildApp(second, { stripe, checkoutOrigin: emulator.url, logger: logs[1]!.logger }) as never;
}, 60_000);
afterAll(async () => {
  await emulator?.stop();
  for (const server of servers) await server.close();
  await second?.close();
  await db?.drop();
});

describe('a nearly empty pool under 200 concurrent payments on two instances', () => {
  it('gives exactly what is left, to the cent: sum of allocations == allocated == cap', async () => {
    const campaign = await insertCampaign(db, { slug: 'rush' });
    // Room for 7 whole matches and 777 cents of an eighth: the 9th gift on finds nothing.
    const poolId = await insertPool(db, campaign.id, { cap: 7 * GIFT + 777 });

    const sessions: string[] = [];
    for (let i = 0; i < GIFTS; i += 8) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(8, GIFTS - i) }, (_, j) =>
          request(servers[(i + j) % 2]!.url)
            .post('/api/pledges')
            .send({ campaign: 'rush', amount: GIFT, currency: 'usd', frequency: 'once', email: `donor${i + j}@example.org` })
            .expect(201),
        ),
      );
      sessions.push(...batch.map((r) => r.body.checkoutSessionId as string));
    }
    await Promise.all(sessions.map((id) => stripe.rawRequest('POST', `/v1/test_helpers/checkout/sessions/${id}/pay`, { outcome: 'succeeded' })));
    await emulator.flushDeliveries();

    expect((await totals(db, campaign.id)).donations).toBe(GIFTS);
    const books = await poolBooks(db, poolId);
    expect(books).toEqual({ cap: 7777, allocated: 7777, sumOfAllocations: 7777, matched: 8 });
    const allocations = await allocationsOf(db, poolId);
    // Every payment had its turn once (a zero when the pool was empty), none twice.
    expect(allocations).toHaveLength(GIFTS);
    expect(new Set(allocations.map((a) => a.sourceId)).size).toBe(GIFTS);
    expect(allocations.map((a) => a.amount).sort((a, b) => b - a).slice(0, 9)).toEqual([GIFT, GIFT, GIFT, GIFT, GIFT, GIFT, GIFT, 777, 0]);
    // Both instances applied payments (the emulator spreads deliveries over the two).
    const webhooksServed = logs.map((l) => l.entries().filter((e) => e.req?.url === '/webhooks/stripe').length);
    expect(Math.min(...webhooksServed)).toBeGreaterThan(GIFTS / 2);
  }, 180_000);
});
