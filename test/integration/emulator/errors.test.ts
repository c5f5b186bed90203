import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { donationSessionParams, startHarness, type Harness } from './harness.ts';

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
  it('401 authentication_error for a missing or malformed key', async () => {
    await expect(client('sk_live_real').checkout.sessions.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const raw = await fetch(`${h.emulator.url}/v1/checkout/sessions`);
    expect(raw.status).toBe(401);
    expect(((await raw.json()) as { error: unknown }).error).toMatchObject({ type: 'authentication_error', message: expect.stringMatching(/did not provide an API key/) });
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
