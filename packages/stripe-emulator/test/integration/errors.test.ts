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

function client(key: string, extra: Partial<Stripe.StripeConfig> = {}) {
  return new Stripe(key, { host: '127.0.0.1', port: h.emulator.port, protocol: 'http', maxNetworkRetries: 0, ...extra });
}

describe('error shapes', () => {
  it('401 for a missing or malformed key, typed invalid_request_error as on Stripe', async () => {
    await expect(client('sk_live_real').checkout.sessions.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const raw = await fetch(`${h.emulator.url}/v1/checkout/sessions`);
    expect(raw.status).toBe(401);
    expect(raw.headers.get('request-id')).toMatch(/^req_/);
    expect(((await raw.json()) as { error: unknown }).error).toEqual({ type: 'invalid_request_error', message: expect.stringMatching(/did not provide an API key/) });
    const basic = await fetch(`${h.emulator.url}/v1/events`, { headers: { Authorization: `Basic ${Buffer.from('sk_test_abc:').toString('base64')}` } });
    expect(basic.status).toBe(200);
  });

  it('404 Unrecognized request URL for unknown routes', async () => {
    const err = await h.stripe.rawRequest('GET', '/v1/widgets', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((err as Stripe.errors.StripeError).message).toMatch(/^Unrecognized request URL \(GET: \/v1\/widgets\)/);
    const missing = await h.stripe.charges.retrieve('ch_nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such charge: 'ch_nope'" });
  });

  it('simulated outages: 500 api_error, 429 rate limit, 401, each for `times` calls', async () => {
    h.emulator.setFailureMode({ status: 500, times: 1 });
    await expect(h.stripe.checkout.sessions.create(donationSessionParams())).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    await expect(h.stripe.checkout.sessions.create(donationSessionParams())).resolves.toMatchObject({ status: 'open' });

    h.emulator.setFailureMode({ status: 429, times: 1 });
    await expect(h.stripe.events.list()).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);

    h.emulator.setFailureMode({ status: 401 });
    await expect(h.stripe.events.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    await expect(h.stripe.events.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    h.emulator.setFailureMode(null);
    await expect(h.stripe.events.list()).resolves.toMatchObject({ object: 'list' });
  });

  it('the SDK retries a 500 with the same idempotency key and gets one session', async () => {
    const retrying = client('sk_test_retry', { maxNetworkRetries: 2 });
    h.emulator.setFailureMode({ status: 500, times: 1 });
    const s = await retrying.checkout.sessions.create(donationSessionParams());
    const posts = h.emulator.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[0]!.headers['idempotency-key']).toBe(posts[1]!.headers['idempotency-key']);
    expect((await h.stripe.checkout.sessions.list()).data.map((x) => x.id)).toEqual([s.id]);
  });

  it('hang makes the SDK time out with StripeConnectionError', async () => {
    h.emulator.setFailureMode({ hang: true, times: 1 });
    const impatient = client('sk_test_timeout', { timeout: 200 });
    await expect(impatient.checkout.sessions.create(donationSessionParams())).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    await expect(impatient.checkout.sessions.create(donationSessionParams())).resolves.toMatchObject({ status: 'open' });
  });

  it('test helpers keep working during an outage', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    h.emulator.setFailureMode({ status: 500 });
    await expect(h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`)).resolves.toMatchObject({ status: 'complete' });
  });
});

describe('error behaviour as Stripe documents it', () => {
  const refusal = (call: Promise<unknown>) => call.then(() => { throw new Error('expected a Stripe error'); }, (e: Stripe.errors.StripeError) => e);

  it('parameter errors carry Stripe\'s codes, and are not saved under the idempotency key', async () => {
    const unknown = await refusal(h.stripe.checkout.sessions.create({ ...donationSessionParams(), bogus: 'x' } as never, { idempotencyKey: 'fix-and-retry' }));
    expect(unknown.raw).toMatchObject({ type: 'invalid_request_error', code: 'parameter_unknown', param: 'bogus', message: 'Received unknown parameter: bogus' });
    // Nothing ran, so the corrected request may reuse the key.
    await expect(h.stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: 'fix-and-retry' })).resolves.toMatchObject({ status: 'open' });
    expect((await refusal(h.stripe.charges.list({ limit: 'ten' as never }))).raw).toMatchObject({ code: 'parameter_invalid_integer', param: 'limit' });
    expect((await refusal(h.stripe.events.list({ type: 'charge.refunded', types: ['charge.succeeded'] }))).raw).toMatchObject({ code: 'parameters_exclusive' });
  });

  it('what an endpoint answered is saved under the key and replayed, errors included, with Stripe\'s headers', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    await h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`);
    const charge = (await h.stripe.charges.list({ limit: 1 })).data[0]!;
    await h.stripe.refunds.create({ charge: charge.id });
    const first = await refusal(h.stripe.refunds.create({ charge: charge.id, amount: 100 }, { idempotencyKey: 'refund-twice' }));
    expect(first.raw).toMatchObject({ code: 'charge_already_refunded' });
    expect(first.headers).toMatchObject({ 'idempotency-key': 'refund-twice', 'original-request': first.requestId });
    expect(first.headers!['idempotent-replayed']).toBeUndefined();
    const replay = await refusal(h.stripe.refunds.create({ charge: charge.id, amount: 100 }, { idempotencyKey: 'refund-twice' }));
    expect(replay.headers).toMatchObject({ 'idempotent-replayed': 'true', 'original-request': first.requestId });
    expect(replay.requestId).not.toBe(first.requestId);
    expect(replay.raw).toMatchObject({ code: 'charge_already_refunded', message: first.message });
    expect(h.emulator.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(3);
  });

  it('refuses an Idempotency-Key longer than 255 characters', async () => {
    const long = await refusal(h.stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: 'k'.repeat(256) }));
    expect(long.statusCode).toBe(400);
    expect(long.raw).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(/at most 255 characters/) });
    await expect(h.stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: 'k'.repeat(255) })).resolves.toMatchObject({ status: 'open' });
  });

  it('every answer carries a Request-Id, even where no API route matched', async () => {
    for (const path of ['/v1/events', '/v1/nope', '/v2/core/events', '/']) {
      const res = await fetch(`${h.emulator.url}${path}`, { headers: { Authorization: 'Bearer sk_test_x' } });
      expect(res.headers.get('request-id'), path).toMatch(/^req_/);
    }
    const malformed = await fetch(`${h.emulator.url}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(malformed.status).toBe(413);
    expect(malformed.headers.get('request-id')).toMatch(/^req_/);
  });
});
