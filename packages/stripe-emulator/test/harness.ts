import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { createStripeEmulator, type EmulatorOptions, type StripeEmulator } from '../src/index.ts';

export const WEBHOOK_SECRET = 'whsec_emulator_test_secret_0123456789';

export interface Delivery {
  receiver: number;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  event: Stripe.Event;
}

export interface Receiver {
  url: string;
  /** Decides the HTTP status per delivery; default 200. */
  respond: (d: Delivery, nth: number) => number;
  close(): Promise<void>;
}

/** A local HTTP endpoint that records webhook deliveries, verified with the SDK like the app does. */
export async function startReceiver(index: number, deliveries: Delivery[], stripe: Stripe): Promise<Receiver> {
  let nth = 0;
  const receiver: Receiver = { url: '', respond: () => 200, close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, req.headers['stripe-signature'] as string, WEBHOOK_SECRET);
      } catch (err) {
        res.writeHead(400).end(String(err));
        return;
      }
      const d: Delivery = { receiver: index, headers: req.headers, rawBody, event };
      deliveries.push(d);
      res.writeHead(receiver.respond(d, nth++)).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  receiver.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return receiver;
}

export interface Harness {
  emulator: StripeEmulator;
  stripe: Stripe;
  deliveries: Delivery[];
  receivers: Receiver[];
  clock: { offsetMs: number };
  /** POST a test helper through the SDK (form-encoded, authenticated, like any API call). */
  helper<T = Record<string, unknown>>(path: string, params?: Record<string, unknown>): Promise<T>;
  /** The JSON exactly as sent on the wire (the SDK turns some fields, e.g. *_decimal, into objects). */
  getJson(path: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startHarness(
  opts: Partial<EmulatorOptions> & { receivers?: number; sdk?: Partial<Stripe.StripeConfig> } = {},
): Promise<Harness> {
  const deliveries: Delivery[] = [];
  const verifier = new Stripe('sk_test_verifier');
  const receivers: Receiver[] = [];
  for (let i = 0; i < (opts.receivers ?? 0); i++) receivers.push(await startReceiver(i, deliveries, verifier));
  const clock = { offsetMs: 0 };
  const emulator = createStripeEmulator({
    webhookSecret: WEBHOOK_SECRET,
    webhookUrls: receivers.map((r) => r.url),
    deliverWebhooks: receivers.length > 0,
    retry: { delaysMs: [20, 40, 80] },
    now: () => Date.now() + clock.offsetMs,
    ...opts,
  });
  await emulator.start();
  const stripe = new Stripe('sk_test_emulator', {
    host: '127.0.0.1',
    port: emulator.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    ...opts.sdk,
  });
  return {
    emulator,
    stripe,
    deliveries,
    receivers,
    clock,
    helper: async (path, params = {}) => (await stripe.rawRequest('POST', path, params)) as never,
    getJson: async (path) => {
      const res = await fetch(`${emulator.url}${path}`, { headers: { Authorization: 'Bearer sk_test_emulator' } });
      return (await res.json()) as Record<string, unknown>;
    },
    async close() {
      await emulator.stop();
      for (const r of receivers) await r.close();
    },
  };
}

export function donationSessionParams(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    submit_type: 'donate',
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 2500, product_data: { name: 'Donation to End of Year' } } }],
    customer_email: 'donor@example.org',
    client_reference_id: 'pledge_123',
    metadata: { pledge_id: 'pledge_123' },
    payment_intent_data: { metadata: { pledge_id: 'pledge_123' } },
    success_url: 'http://app.test/donate/thanks?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://app.test/donate/cancelled',
    ...overrides,
  };
}

export function monthlySessionParams(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'subscription',
    line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 1000, recurring: { interval: 'month' }, product_data: { name: 'Monthly donation' } } }],
    customer_email: 'monthly@example.org',
    metadata: { pledge_id: 'pledge_m1' },
    subscription_data: { metadata: { pledge_id: 'pledge_m1' } },
    success_url: 'http://app.test/donate/thanks?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://app.test/donate/cancelled',
    ...overrides,
  };
}

export function eventTypes(h: Harness): string[] {
  return h.emulator.events.map((e) => e.type);
}
