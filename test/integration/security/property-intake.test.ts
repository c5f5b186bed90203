// Property tests through HTTP: random JSON bodies on POST /api/pledges never give a 5xx and never
// write when refused; random validly signed events of every handled type, with data of any shape,
// are stored, ignored or failed (a 200), never a crash (5xx), and a repeat changes nothing.
import fc from 'fast-check';
import Stripe from 'stripe';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventHandlers } from '../../../src/webhooks/event-handlers.ts';
import { TEST_WEBHOOK_SECRET } from '../../helpers/app.ts';
import { fingerprint, hostileSetup, type Hostile } from './hostile-harness.ts';

let h: Hostile;
beforeAll(async () => {
  h = await hostileSetup();
});
afterAll(async () => {
  await h.close();
});

const valid = { campaign: 'open-usd', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };
const json = fc.jsonValue({ maxDepth: 4 });
// Bodies near the valid one (one field replaced by anything, extra keys) and bodies of any shape.
const nearValid = fc
  .tuple(fc.constantFrom(...Object.keys(valid), 'name', 'message', 'dedication', 'anonymous', 'coverFees', '__proto__', 'constructor', 'status'), json)
  .map(([k, v]) => ({ ...valid, [k]: v }));
const body = fc.oneof(nearValid, json, fc.dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 8 }));

describe('POST /api/pledges with random JSON', () => {
  it('never 5xx; a refusal writes nothing; an acceptance writes one pledge', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const before = await fingerprint(h.db);
        const pledges = await h.db.prisma.pledge.count();
        const res = await request(h.app).post('/api/pledges').set('Content-Type', 'application/json').send(JSON.stringify(b));
        expect(res.status).toBeLessThan(500);
        if (res.status === 201) expect(await h.db.prisma.pledge.count()).toBe(pledges + 1);
        else {
          expect([400, 409, 413, 415]).toContain(res.status);
          expect(typeof res.body.error.code).toBe('string');
          expect(await fingerprint(h.db)).toEqual(before);
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});

const stripe = new Stripe('sk_test_unused');
const types = [...Object.keys(eventHandlers), 'customer.created', 'invoice.upcoming', 'made.up.type'];
let n = 0;
const event = fc.record({
  type: fc.constantFrom(...types),
  object: fc.oneof(
    fc.dictionary(fc.constantFrom('id', 'object', 'mode', 'payment_status', 'amount_total', 'currency', 'payment_intent', 'subscription', 'customer',
      'metadata', 'client_reference_id', 'amount_refunded', 'charge', 'status', 'amount', 'amount_paid', 'lines', 'parent', 'payments',
      'period_start', 'created', 'status_transitions', 'ended_at', 'canceled_at', 'arrival_date'), json, { maxKeys: 10 }),
    fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 5 }),
  ),
  created: fc.oneof(fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }), fc.constant(0)),
});

describe('POST /webhooks/stripe with random validly signed events', () => {
  it('stores, ignores or fails each one with a 200 (never a 5xx); a redelivery is a duplicate', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const id = `evt_prop_${process.pid}_${++n}`;
        const payload = JSON.stringify({ id, object: 'event', type: e.type, created: e.created, data: { object: e.object } });
        const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: TEST_WEBHOOK_SECRET });
        const res = await request(h.app).post('/webhooks/stripe').set({ 'Stripe-Signature': signature, 'Content-Type': 'application/json' }).send(payload);
        expect(res.status, `${e.type} ${JSON.stringify(e.object).slice(0, 300)} -> ${res.text}`).toBe(200);
        expect(['processed', 'ignored', 'deferred', 'failed', 'duplicate']).toContain(res.body.status);
        const row = await h.db.prisma.webhookEvent.findUnique({ where: { id } });
        expect(row).not.toBeNull();
        seen.add(id);
        const again = await request(h.app).post('/webhooks/stripe').set({ 'Stripe-Signature': signature, 'Content-Type': 'application/json' }).send(payload);
        expect(again.status).toBe(200);
        expect(again.body.status).toBe('duplicate');
      }),
      { numRuns: 250 },
    );
    expect(await h.db.prisma.webhookEvent.count({ where: { id: { in: [...seen] } } })).toBe(seen.size);
  }, 180_000);
});
