import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseSessionCreate } from '../../src/checkout-params.ts';
import { EmulatorApiError } from '../../src/errors.ts';
import { paginate } from '../../src/list.ts';
import { addInterval } from '../../src/objects-billing.ts';
import { asArray, metadataParam } from '../../src/params.ts';
import { signPayload } from '../../src/webhooks.ts';
import { formatAmount } from '../../src/checkout-page.ts';
import { extraKeys, missingKeys, typeMismatches } from '../shape.ts';

const objs = Array.from({ length: 7 }, (_, i) => ({ id: `o_${7 - i}`, object: 'x', created: 100 + (7 - i) })); // newest first

describe('paginate', () => {
  it('pages forward and backward like Stripe', () => {
    const p1 = paginate(objs, { limit: '3' }, '/v1/x', 'x');
    expect(p1.data.map((o) => o.id)).toEqual(['o_7', 'o_6', 'o_5']);
    expect(p1.has_more).toBe(true);
    const p3 = paginate(objs, { limit: '3', starting_after: 'o_2' }, '/v1/x', 'x');
    expect(p3.data.map((o) => o.id)).toEqual(['o_1']);
    expect(p3.has_more).toBe(false);
    const back = paginate(objs, { limit: '2', ending_before: 'o_3' }, '/v1/x', 'x');
    expect(back.data.map((o) => o.id)).toEqual(['o_5', 'o_4']);
    expect(back.has_more).toBe(true);
    expect(paginate(objs, { created: { gte: '105' } }, '/v1/x', 'x').data).toHaveLength(3);
    expect(paginate(objs, { created: '103' }, '/v1/x', 'x').data.map((o) => o.id)).toEqual(['o_3']);
    expect(() => paginate(objs, { starting_after: 'o_404' }, '/v1/x', 'x')).toThrow(EmulatorApiError);
    expect(() => paginate(objs, { limit: '101' }, '/v1/x', 'x')).toThrow(/limit/);
  });
});

describe('params', () => {
  it('reads qs arrays and sparse index objects', () => {
    expect(asArray({ 1: 'b', 0: 'a' }, 'x')).toEqual(['a', 'b']);
    expect(asArray(['a'], 'x')).toEqual(['a']);
  });
  it('enforces metadata limits and drops empty values', () => {
    expect(metadataParam({ a: '1', b: '' })).toEqual({ a: '1' });
    expect(() => metadataParam({ a: 'x'.repeat(501) })).toThrow(/500 characters/);
    expect(() => metadataParam(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])))).toThrow(/50 keys/);
  });
});

describe('addInterval', () => {
  it('clamps month ends like Stripe billing', () => {
    const jan31 = Date.UTC(2025, 0, 31, 12) / 1000;
    expect(new Date(addInterval(jan31, 'month', 1) * 1000).toISOString()).toBe('2025-02-28T12:00:00.000Z');
    expect(new Date(addInterval(jan31, 'year', 1) * 1000).toISOString()).toBe('2026-01-31T12:00:00.000Z');
    expect(addInterval(1000, 'week', 2)).toBe(1000 + 14 * 86400);
  });
});

describe('signPayload', () => {
  it('produces a header the SDK verifies, bound to payload, secret and time', () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event' });
    const t = Math.floor(Date.now() / 1000);
    const header = signPayload(payload, 'whsec_abc', t);
    expect(header).toMatch(new RegExp(`^t=${t},v1=[0-9a-f]{64}$`));
    const sdk = new Stripe('sk_test_x');
    expect(sdk.webhooks.constructEvent(payload, header, 'whsec_abc').id).toBe('evt_1');
    expect(() => sdk.webhooks.constructEvent(payload, signPayload(payload, 'whsec_abc', t - 600), 'whsec_abc')).toThrow(/tolerance/);
  });
});

describe('parseSessionCreate', () => {
  const now = 1_800_000_000;
  const base = {
    mode: 'payment',
    line_items: [{ quantity: '2', price_data: { currency: 'JPY', unit_amount: '500', product_data: { name: 'Gift' } } }],
  };
  it('normalises a valid request', () => {
    const input = parseSessionCreate(base, now);
    expect(input).toMatchObject({ mode: 'payment', currency: 'jpy', amountTotal: 1000, expiresAt: now + 86400, successUrl: null });
  });
  it('rejects mixed currencies and payment_intent_data in subscription mode', () => {
    const mixed = { ...base, line_items: [...base.line_items, { quantity: '1', price_data: { currency: 'usd', unit_amount: '500', product_data: { name: 'x' } } }] };
    expect(() => parseSessionCreate(mixed, now)).toThrow(/same currency/);
    const sub = {
      mode: 'subscription',
      payment_intent_data: { metadata: { a: 'b' } },
      line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '500', recurring: { interval: 'month' }, product_data: { name: 'x' } } }],
    };
    expect(() => parseSessionCreate(sub, now)).toThrow(/payment_intent_data/);
  });
});

describe('formatAmount', () => {
  it('is currency-aware', () => {
    expect(formatAmount(2500, 'usd')).toBe('25.00 USD');
    expect(formatAmount(2500, 'jpy')).toBe('2500 JPY');
    expect(formatAmount(2500, 'bhd')).toBe('2.500 BHD');
  });
});

describe('shape comparator (guards the contract tests against passing vacuously)', () => {
  it('finds type differences, missing and extra keys; tolerates null and expandable ids', () => {
    const stripe = { a: 1, b: 'x', c: { d: true }, e: [{ f: 1 }], g: null, h: { id: 'x_1', object: 'thing' } };
    const ours = { a: '1', b: null, c: { d: 'yes' }, e: [{ f: 'one' }], g: 5, h: 'x_1', z: 0 };
    expect(typeMismatches(ours, stripe)).toEqual(['a: emulator string, Stripe number', 'c.d: emulator string, Stripe boolean', 'e[0].f: emulator string, Stripe number']);
    expect(missingKeys({ a: 1 }, stripe, ['b'])).toEqual(['c', 'e', 'g', 'h']);
    expect(extraKeys(ours, stripe)).toEqual(['z']);
  });
});
