// The app on a real port with the Stripe emulator delivering signed webhooks to it, plus the
// readers the webhook tests compare against: campaign totals, payments, the inbox.
import type http from 'node:http';
import request from 'supertest';
import Stripe from 'stripe';
import type { StripeEmulator, EmulatorOptions } from 'stripe-emulator';
import { buildApp, emulatorStripe, listen, startEmulator, TEST_WEBHOOK_SECRET, testConfig } from '../../helpers/app.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import type { Logger } from 'pino';
import type { Config } from '../../../src/config.ts';

export interface Harness {
  emulator: StripeEmulator;
  stripe: Stripe;
  app: http.RequestListener;
  url: string;
  helper<T = Record<string, any>>(path: string, params?: Record<string, unknown>): Promise<T>;
  pledge(input: { campaign: string; amount: number; frequency?: 'once' | 'monthly'; currency?: string }): Promise<{ id: string; checkoutSessionId: string }>;
  close(): Promise<void>;
}

export async function startHarness(
  db: TestDatabase,
  options: Partial<EmulatorOptions> & { logger?: Logger; config?: Config } = {},
): Promise<Harness> {
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = await listen((req, res) => handler(req, res));
  const { logger, config, ...emulatorOptions } = options;
  const emulator = await startEmulator({ webhookUrls: [`${server.url}/webhooks/stripe`], deliverWebhooks: true, ...emulatorOptions });
  const stripe = emulatorStripe(emulator);
  const app = buildApp(db, {
    stripe,
    webhookSecret: TEST_WEBHOOK_SECRET,
    checkoutOrigin: emulator.url,
    config: config ?? testConfig(),
    ...(logger ? { logger } : {}),
  });
  handler = app as unknown as http.RequestListener;
  return {
    emulator,
    stripe,
    app: handler,
    url: server.url,
    helper: async (path, params = {}) => (await stripe.rawRequest('POST', path, params)) as never,
    async pledge(input) {
      const res = await request(server.url)
        .post('/api/pledges')
        .send({ currency: 'usd', frequency: 'once', email: 'donor@example.org', ...input });
      if (res.status !== 201) throw new Error(`pledge: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async close() {
      await emulator.stop();
      await server.close();
    },
  };
}

export async function totals(db: TestDatabase, campaignId: string) {
  const { rows } = await db.pool.query(
    `SELECT COALESCE(sum(raised), 0)::int AS raised, COALESCE(sum(pending), 0)::int AS pending,
            COALESCE(sum(refunded), 0)::int AS refunded, COALESCE(sum(disputed), 0)::int AS disputed,
            COALESCE(sum(donors), 0)::int AS donors, COALESCE(sum(donations), 0)::int AS donations
     FROM campaign_total_shards WHERE campaign_id = $1`,
    [campaignId],
  );
  return rows[0] as { raised: number; pending: number; refunded: number; disputed: number; donors: number; donations: number };
}

/** Totals recomputed from the payments rows themselves, to check the trigger's running sums. */
export async function recomputedTotals(db: TestDatabase, campaignId: string) {
  const { rows } = await db.pool.query(
    `SELECT COALESCE(sum((payment_contribution(p)).raised), 0)::int AS raised,
            COALESCE(sum((payment_contribution(p)).pending), 0)::int AS pending,
            COALESCE(sum((payment_contribution(p)).refunded), 0)::int AS refunded,
            COALESCE(sum((payment_contribution(p)).disputed), 0)::int AS disputed,
            COUNT(DISTINCT p.pledge_id) FILTER (WHERE p.status = 'succeeded' AND p.flag IS NULL)::int AS donors,
            COALESCE(sum((payment_contribution(p)).donations), 0)::int AS donations
     FROM payments p WHERE campaign_id = $1`,
    [campaignId],
  );
  return rows[0];
}

export async function payments(db: TestDatabase, where = 'true', params: unknown[] = []) {
  const { rows } = await db.pool.query(
    `SELECT pledge_id AS "pledgeId", status::text, currency, amount, covered_fee AS "coveredFee", fee, net,
            amount_refunded AS "amountRefunded", dispute_status::text AS "disputeStatus", disputed_amount AS "disputedAmount",
            stripe_payment_intent_id AS "paymentIntentId", stripe_charge_id AS "chargeId", stripe_invoice_id AS "invoiceId",
            stripe_balance_transaction_id AS "balanceTransactionId", stripe_payout_id AS "payoutId", flag
     FROM payments WHERE ${where} ORDER BY created_at, id`,
    params,
  );
  return rows;
}

export async function inbox(db: TestDatabase) {
  const { rows } = await db.pool.query(
    `SELECT id, type, status::text, attempts, last_error AS "lastError", waiting_for AS "waitingFor", source FROM webhook_events ORDER BY received_at, id`,
  );
  return rows;
}

/** Signs a payload exactly as Stripe does, for deliveries built by the test itself. */
export function signed(payload: string, secret = TEST_WEBHOOK_SECRET, timestamp?: number) {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
}

export function deliver(app: http.RequestListener | string, event: unknown, opts: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event);
  return request(app as never)
    .post('/webhooks/stripe')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', signed(payload, opts.secret, opts.timestamp))
    .send(payload);
}
