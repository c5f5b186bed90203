import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { donationSessionParams, eventTypes, monthlySessionParams, startHarness, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('checkout sessions through the real SDK', () => {
  it('creates a hosted payment session with Stripe semantics', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    expect(s.id).toMatch(/^cs_test_[A-Za-z0-9]{58}$/);
    expect(s).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 2500,
      amount_subtotal: 2500,
      currency: 'usd',
      customer_email: 'donor@example.org',
      client_reference_id: 'pledge_123',
      metadata: { pledge_id: 'pledge_123' },
      submit_type: 'donate',
      payment_intent: null,
      livemode: false,
      url: `${h.emulator.url}/checkout/${s.id}`,
    });
    const now = Math.floor(Date.now() / 1000);
    expect(s.expires_at - s.created).toBe(24 * 3600);
    expect(Math.abs(s.created - now)).toBeLessThan(5);

    // The request as Stripe would see it: bracketed form fields, version and idempotency headers.
    const req = h.emulator.requests.find((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions')!;
    expect(req.body.line_items[0].price_data.currency).toBe('usd');
    expect(req.body.payment_intent_data.metadata.pledge_id).toBe('pledge_123');
    expect(req.headers['stripe-version']).toBe(Stripe.API_VERSION);
    expect(req.headers['idempotency-key']).toBeTruthy();
  });

  it('retrieves with expand and lists line items', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    await h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`, { outcome: 'succeeded' });
    const r = await h.stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent.latest_charge', 'line_items'] });
    const pi = r.payment_intent as Stripe.PaymentIntent;
    expect(pi.object).toBe('payment_intent');
    expect(pi.metadata).toEqual({ pledge_id: 'pledge_123' });
    expect((pi.latest_charge as Stripe.Charge).object).toBe('charge');
    expect(r.line_items?.data[0]).toMatchObject({ object: 'item', quantity: 1, amount_total: 2500, description: 'Donation to End of Year' });
    const items = await h.stripe.checkout.sessions.listLineItems(s.id);
    expect(items.data).toHaveLength(1);
    await expect(h.stripe.checkout.sessions.retrieve(s.id, { expand: ['nonsense'] })).rejects.toThrow(/cannot be expanded/);
  });

  it('lists sessions newest first with status/created filters and cursor paging', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.stripe.checkout.sessions.create(donationSessionParams())).id);
    await h.stripe.checkout.sessions.expire(ids[0]!);
    const page1 = await h.stripe.checkout.sessions.list({ limit: 2 });
    expect(page1.object).toBe('list');
    expect(page1.url).toBe('/v1/checkout/sessions');
    expect(page1.data.map((s) => s.id)).toEqual([ids[4], ids[3]]);
    expect(page1.has_more).toBe(true);
    const page2 = await h.stripe.checkout.sessions.list({ limit: 2, starting_after: ids[3] });
    expect(page2.data.map((s) => s.id)).toEqual([ids[2], ids[1]]);
    const back = await h.stripe.checkout.sessions.list({ limit: 2, ending_before: ids[1] });
    expect(back.data.map((s) => s.id)).toEqual([ids[3], ids[2]]);
    expect(back.has_more).toBe(true);
    const expired = await h.stripe.checkout.sessions.list({ status: 'expired' });
    expect(expired.data.map((s) => s.id)).toEqual([ids[0]]);
    const future = await h.stripe.checkout.sessions.list({ created: { gt: Math.floor(Date.now() / 1000) + 60 } });
    expect(future.data).toEqual([]);
    const all: string[] = [];
    for await (const s of h.stripe.checkout.sessions.list({ limit: 2 })) all.push(s.id);
    expect(all).toEqual([...ids].reverse());
  });

  it('expires an open session once and refuses to expire it again', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    const e = await h.stripe.checkout.sessions.expire(s.id);
    expect(e.status).toBe('expired');
    expect(e.url).toBeNull();
    await expect(h.stripe.checkout.sessions.expire(s.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(eventTypes(h).filter((t) => t === 'checkout.session.expired')).toHaveLength(1);
  });

  it('expires sessions lazily once expires_at passes, emitting the event once', async () => {
    const now = Math.floor(Date.now() / 1000);
    const s = await h.stripe.checkout.sessions.create(donationSessionParams({ expires_at: now + 31 * 60 }));
    h.clock.offsetMs = 32 * 60 * 1000;
    expect((await h.stripe.checkout.sessions.retrieve(s.id)).status).toBe('expired');
    await h.stripe.checkout.sessions.list();
    const expiredEvents = h.emulator.events.filter((e) => e.type === 'checkout.session.expired');
    expect(expiredEvents).toHaveLength(1);
    expect(expiredEvents[0]!.request).toEqual({ id: null, idempotency_key: null });
    await expect(h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`)).rejects.toThrow(/no longer active/);
  });

  it('validates parameters like Stripe, with error type, param and message', async () => {
    const cases: Array<[Partial<Stripe.Checkout.SessionCreateParams> & Record<string, unknown>, string, RegExp]> = [
      [{ mode: undefined }, 'mode', /Missing required param: mode/],
      [{ line_items: [] }, 'line_items', /Missing required param: line_items/],
      [{ expires_at: Math.floor(Date.now() / 1000) + 10 * 60 }, 'expires_at', /at least 30 minutes/],
      [{ expires_at: Math.floor(Date.now() / 1000) + 25 * 3600 }, 'expires_at', /less than 24 hours/],
      [{ success_url: 'not a url' }, 'success_url', /Not a valid URL/],
      [{ customer_email: 'nope' }, 'customer_email', /Invalid email address/],
      [{ bogus_param: 'x' }, 'bogus_param', /Received unknown parameter: bogus_param/],
      [{ subscription_data: { metadata: { a: 'b' } } }, 'subscription_data', /subscription_data/],
      [{ metadata: { ['k'.repeat(41)]: 'v' } }, `metadata[${'k'.repeat(41)}]`, /40 characters/],
      [
        { line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 20, product_data: { name: 'Tiny' } } }] },
        'line_items',
        /at least 50 usd/,
      ],
      [
        { line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' }, product_data: { name: 'x' } } }] },
        'line_items[0][price_data][recurring]',
        /recurring price/,
      ],
      [{ line_items: [{ price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'x' } } }] }, 'line_items[0][quantity]', /Missing required param/],
    ];
    for (const [overrides, param, message] of cases) {
      const err = await h.stripe.checkout.sessions.create(donationSessionParams(overrides as never)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, param).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      const e = err as Stripe.errors.StripeInvalidRequestError;
      expect(e.statusCode).toBe(400);
      expect(e.type).toBe('StripeInvalidRequestError');
      expect(e.raw).toMatchObject({ type: 'invalid_request_error', param });
      expect(e.message).toMatch(message);
    }
    const sub = await h.stripe.checkout.sessions.create(monthlySessionParams({ line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 1000, product_data: { name: 'x' } } }] })).catch((e: unknown) => e);
    expect((sub as Stripe.errors.StripeError).message).toMatch(/at least one recurring price/);
    expect(h.emulator.events).toHaveLength(0);
  });

  it('replays an idempotent request and rejects a reused key with different params', async () => {
    const a = await h.stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: 'pledge-1' });
    const b = await h.stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: 'pledge-1' });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(a.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect((await h.stripe.checkout.sessions.list()).data).toHaveLength(1);
    const err = await h.stripe.checkout.sessions
      .create(donationSessionParams({ customer_email: 'other@example.org' }), { idempotencyKey: 'pledge-1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((err as Stripe.errors.StripeError).raw).toMatchObject({ type: 'idempotency_error' });

    // A validation failure is not saved, so the same key can be retried with corrected params.
    await expect(h.stripe.checkout.sessions.create(donationSessionParams({ success_url: 'bad' }), { idempotencyKey: 'k2' })).rejects.toThrow();
    const ok = await h.stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: 'k2' });
    expect(ok.status).toBe('open');
  });

  it('keeps idempotency keys for 24 hours only', async () => {
    const a = await h.stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: 'day-key' });
    h.clock.offsetMs = 25 * 3600 * 1000;
    const b = await h.stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: 'day-key' });
    expect(b.id).not.toBe(a.id);
  });
});

describe('hosted checkout page', () => {
  it('shows the amount and buttons, pays and redirects to success_url with the session id', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    const html = await (await fetch(s.url!)).text();
    expect(html).toContain('25.00 USD');
    expect(html).toContain('Donation to End of Year');
    for (const id of ['pay', 'pay-delayed', 'decline', 'cancel']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('href="http://app.test/donate/cancelled"');
    expect(html).not.toMatch(/<script|<link|src="http/);

    const res = await fetch(s.url!, { method: 'POST', body: new URLSearchParams({ outcome: 'succeeded' }), redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`http://app.test/donate/thanks?session_id=${s.id}`);
    const after = await h.stripe.checkout.sessions.retrieve(s.id);
    expect(after).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(eventTypes(h)).toContain('checkout.session.completed');
  });

  it('re-shows the page with an error on decline, and the donor can retry', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    const res = await fetch(s.url!, { method: 'POST', body: new URLSearchParams({ outcome: 'failed' }), redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Your card was declined.');
    expect((await h.stripe.checkout.sessions.retrieve(s.id)).status).toBe('open');
    const retry = await fetch(s.url!, { method: 'POST', body: new URLSearchParams({ outcome: 'delayed' }), redirect: 'manual' });
    expect(retry.status).toBe(303);
    const after = await h.stripe.checkout.sessions.retrieve(s.id);
    expect(after).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
  });

  it('shows a closed session as such', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    await h.stripe.checkout.sessions.expire(s.id);
    const html = await (await fetch(`${h.emulator.url}/checkout/${s.id}`)).text();
    expect(html).toContain('id="session-closed"');
    expect(html).not.toContain('id="pay"');
  });
});
