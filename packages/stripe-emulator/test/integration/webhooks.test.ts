import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { loadStripeFixture } from '../fixtures.ts';
import { donationSessionParams, startHarness, WEBHOOK_SECRET, type Harness } from '../harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function payOne(harness: Harness) {
  const s = await harness.stripe.checkout.sessions.create(donationSessionParams());
  await harness.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`);
  return s;
}

describe('webhook delivery', () => {
  it('delivers every event signed exactly like Stripe, verifiable with constructEvent', async () => {
    h = await startHarness({ receivers: 1 });
    await payOne(h);
    await h.emulator.flushDeliveries();
    expect(h.deliveries.map((d) => d.event.type).sort()).toEqual(h.emulator.events.map((e) => e.type).sort());
    const d = h.deliveries.find((x) => x.event.type === 'checkout.session.completed')!;
    // Same headers as a delivery captured from Stripe (test/fixtures/stripe/*.delivery.json).
    const captured = loadStripeFixture('invoice.paid.delivery.json').headers;
    expect(d.headers['content-type']).toBe(captured['content-type']);
    expect(d.headers['user-agent']).toBe(captured['user-agent']);
    expect(captured['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}/);
    const sig = d.headers['stripe-signature'] as string;
    expect(sig).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(() => new Stripe('sk_test_x').webhooks.constructEvent(d.rawBody, sig, 'whsec_wrong')).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => new Stripe('sk_test_x').webhooks.constructEvent(d.rawBody.replace('complete', 'open'), sig, WEBHOOK_SECRET)).toThrow();
    expect(d.event).toMatchObject({ object: 'event', api_version: Stripe.API_VERSION, livemode: false, pending_webhooks: 1 });
    // Once delivered, Stripe reports no pending webhooks for the event.
    expect((await h.stripe.events.retrieve(d.event.id)).pending_webhooks).toBe(0);
  });

  it('retries a failed delivery with backoff and a fresh signature', async () => {
    h = await startHarness({ receivers: 1, retry: { delaysMs: [30, 30] } });
    h.receivers[0]!.respond = (_d, nth) => (nth < 2 ? 500 : 200);
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    await h.stripe.checkout.sessions.expire(s.id);
    await h.emulator.flushDeliveries();
    expect(h.deliveries.map((d) => d.event.type)).toEqual(['checkout.session.expired', 'checkout.session.expired', 'checkout.session.expired']);
    expect(new Set(h.deliveries.map((d) => d.event.id)).size).toBe(1);
    expect(h.deliveries.every((d) => /^t=\d+,v1=/.test(d.headers['stripe-signature'] as string))).toBe(true);
  });

  it('gives up after the last retry delay', async () => {
    const errors: object[] = [];
    h = await startHarness({ receivers: 1, retry: { delaysMs: [10] }, logger: { info() {}, warn() {}, error: (o) => errors.push(o) } });
    h.receivers[0]!.respond = () => 503;
    await h.stripe.checkout.sessions.expire((await h.stripe.checkout.sessions.create(donationSessionParams())).id);
    await h.emulator.flushDeliveries();
    expect(h.deliveries).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ eventType: 'checkout.session.expired', attempt: 2 });
  });

  it('retries when the endpoint is unreachable', async () => {
    h = await startHarness({ webhookUrls: ['http://127.0.0.1:9/unreachable'], deliverWebhooks: true, retry: { delaysMs: [10, 10] } });
    await h.stripe.checkout.sessions.expire((await h.stripe.checkout.sessions.create(donationSessionParams())).id);
    await h.emulator.flushDeliveries();
    expect(h.emulator.events[0]!.pending_webhooks).toBe(1);
  });

  it('spreads deliveries round robin over several URLs', async () => {
    h = await startHarness({ receivers: 2 });
    await payOne(h);
    await h.emulator.flushDeliveries();
    const byReceiver = [0, 1].map((i) => h!.deliveries.filter((d) => d.receiver === i).length);
    expect(byReceiver).toEqual([2, 2]);
  });

  it('stores events without delivering when deliverWebhooks is false', async () => {
    h = await startHarness({ receivers: 1, deliverWebhooks: false });
    await payOne(h);
    await h.emulator.flushDeliveries();
    expect(h.deliveries).toHaveLength(0);
    expect(h.emulator.events).toHaveLength(4);
    expect(h.emulator.events.every((e) => e.pending_webhooks === 0)).toBe(true);
  });

  it('pause holds deliveries until resume', async () => {
    h = await startHarness({ receivers: 1 });
    h.emulator.pauseDeliveries();
    await payOne(h);
    await h.emulator.flushDeliveries();
    expect(h.deliveries).toHaveLength(0);
    h.emulator.resumeDeliveries();
    await h.emulator.flushDeliveries();
    expect(h.deliveries).toHaveLength(4);
  });

  it('chaos: duplicates and reorders deliveries', async () => {
    h = await startHarness({ receivers: 1 });
    let seed = 7;
    const rng = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    h.emulator.setDeliveryChaos({ duplicate: 1, reorder: true, rng });
    for (let i = 0; i < 3; i++) await payOne(h);
    await h.emulator.flushDeliveries();
    expect(h.deliveries).toHaveLength(24);
    const counts = new Map<string, number>();
    for (const d of h.deliveries) counts.set(d.event.id, (counts.get(d.event.id) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 2)).toBe(true);
    const firstSeen = [...new Set(h.deliveries.map((d) => d.event.id))];
    expect(firstSeen).not.toEqual(h.emulator.events.map((e) => e.id));
  });

  it('stop() cancels pending retries', async () => {
    h = await startHarness({ receivers: 1, retry: { delaysMs: [60_000] } });
    h.receivers[0]!.respond = () => 500;
    await h.stripe.checkout.sessions.expire((await h.stripe.checkout.sessions.create(donationSessionParams())).id);
    await new Promise((r) => setTimeout(r, 100));
    const flushed = h.emulator.flushDeliveries();
    const started = Date.now();
    await h.close();
    await flushed;
    h = undefined;
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
