import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { donationSessionParams, startHarness, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('GET /v1/events', () => {
  it('lists newest first with paging, type filters and retrieve', async () => {
    for (let i = 0; i < 3; i++) {
      const s = await h.stripe.checkout.sessions.create(donationSessionParams());
      await h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`);
    }
    const all = h.emulator.events;
    expect(all).toHaveLength(12);
    const newest = [...all].reverse().map((e) => e.id);

    const first = await h.stripe.events.list({ limit: 5 });
    expect(first).toMatchObject({ object: 'list', has_more: true, url: '/v1/events' });
    expect(first.data.map((e) => e.id)).toEqual(newest.slice(0, 5));
    const second = await h.stripe.events.list({ limit: 5, starting_after: first.data.at(-1)!.id });
    expect(second.data.map((e) => e.id)).toEqual(newest.slice(5, 10));
    const before = await h.stripe.events.list({ limit: 3, ending_before: second.data[0]!.id });
    expect(before.data.map((e) => e.id)).toEqual(newest.slice(2, 5));

    const paged: string[] = [];
    for await (const e of h.stripe.events.list({ limit: 4 })) paged.push(e.id);
    expect(paged).toEqual(newest);

    expect((await h.stripe.events.list({ type: 'checkout.session.completed' })).data).toHaveLength(3);
    expect((await h.stripe.events.list({ type: 'payment_intent.*' })).data).toHaveLength(6);
    expect((await h.stripe.events.list({ types: ['charge.succeeded', 'checkout.session.completed'] })).data).toHaveLength(6);

    const one = await h.stripe.events.retrieve(all[0]!.id);
    expect(one).toMatchObject({ id: all[0]!.id, object: 'event', api_version: Stripe.API_VERSION, livemode: false, pending_webhooks: 0 });
    await expect(h.stripe.events.retrieve('evt_missing')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('filters by created range', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    await h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`);
    h.clock.offsetMs = 3600 * 1000;
    await h.stripe.checkout.sessions.expire((await h.stripe.checkout.sessions.create(donationSessionParams())).id);
    const cutoff = Math.floor(Date.now() / 1000) + 1800;
    const late = await h.stripe.events.list({ created: { gte: cutoff } });
    expect(late.data.map((e) => e.type)).toEqual(['checkout.session.expired']);
    const early = await h.stripe.events.list({ created: { lt: cutoff } });
    expect(early.data).toHaveLength(4);
    const exact = await h.stripe.events.list({ created: late.data[0]!.created });
    expect(exact.data).toHaveLength(1);
    await expect(h.stripe.events.list({ limit: 0 })).rejects.toMatchObject({ param: 'limit' });
  });

  it('snapshots data.object at the time of the event', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    await h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`);
    const chargeEvent = h.emulator.events.find((e) => e.type === 'charge.succeeded')!;
    const charge = chargeEvent.data.object as Stripe.Charge;
    await h.stripe.refunds.create({ charge: charge.id });
    const stored = await h.stripe.events.retrieve(chargeEvent.id);
    expect((stored.data.object as Stripe.Charge).amount_refunded).toBe(0);
  });
});
