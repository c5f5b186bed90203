/**
 * The emulator held to Stripe's contract for the pinned API version: every object it returns and
 * every webhook it delivers, over every flow, validated against JSON Schemas derived at test time
 * from the installed stripe SDK's type declarations (test/helpers/stripe-schema/). Upgrading the SDK
 * or the pinned API version changes the schemas, and this test fails until the emulator follows.
 */
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRIPE_API_VERSION } from '../../../src/stripe/stripe-client.ts';
import { compileSchemas, createContract, type CompiledSchemas, type Contract, type Violation } from '../../helpers/stripe-schema/contract.ts';
import { deriveStripeSchemas, type StripeSchemas } from '../../helpers/stripe-schema/derive-schemas.ts';
import { recordingHttpClient, type WireResponse } from '../../helpers/stripe-schema/wire-recorder.ts';
import { driveEveryFlow } from './contract-flows.ts';
import { EXAMPLE_DIFFERENCES, FIXTURE_DIFFERENCES, type Calibration } from './fixture-differences.ts';
import { donationSessionParams, startHarness, type Harness } from 'stripe-emulator/test-harness';

let schemas: StripeSchemas;
let compiled: CompiledSchemas;
let h: Harness;
const wire: WireResponse[] = [];

// Deriving the schemas and compiling their validators take a few seconds on a quiet machine, and
// much longer on a busy one: both happen here, once, so that each test only validates.
beforeAll(async () => {
  schemas = deriveStripeSchemas();
  compiled = compileSchemas(schemas);
  compiled.compileAll();
  h = await startHarness({ receivers: 1, sdk: { httpClient: recordingHttpClient(wire) } });
  await driveEveryFlow(h);
}, 300_000);
afterAll(async () => {
  await h?.close();
});

/** One line per distinct problem, with how often and where it was first seen. */
function report(violations: Violation[]): string[] {
  const byProblem = new Map<string, { n: number; source: string }>();
  for (const v of violations) {
    const key = `${v.objectType} ${v.path.replace(/\/\d+(?=\/|$)/g, '/*')}: ${v.problem}`;
    const seen = byProblem.get(key) ?? { n: 0, source: v.source };
    seen.n += 1;
    byProblem.set(key, seen);
  }
  return [...byProblem].map(([key, { n, source }]) => `${key} [${n}x, first in ${source}]`).sort();
}

/** Counts per type; an event's data.object is counted under the event as well, not again in the total. */
function summary(contract: Contract): string {
  const entries = Object.entries(contract.counts).sort(([a], [b]) => a.localeCompare(b));
  const total = entries.filter(([t]) => !t.startsWith('event data.object')).reduce((sum, [, n]) => sum + n, 0);
  return `${total} payloads validated:\n${entries.map(([t, n]) => `  ${t}: ${n}`).join('\n')}`;
}

describe('the schemas follow the pinned SDK and API version', () => {
  it('are derived from the installed stripe SDK for the API version the service pins', () => {
    const pinned = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }).dependencies.stripe;
    expect(schemas.sdkVersion).toBe(pinned);
    expect(schemas.apiVersion).toBe(Stripe.API_VERSION);
    // The SDK and the service must agree, or the service would read shapes of another version.
    expect(schemas.apiVersion).toBe(STRIPE_API_VERSION);
  });

  it('catch what the issue found: retired enum values, null for an omitted field, missing and invented fields', async () => {
    const contract = createContract(compiled);
    const session = await h.stripe.checkout.sessions.create(donationSessionParams());
    const raw = (await h.getJson(`/v1/checkout/sessions/${session.id}`)) as Record<string, unknown>;
    expect(contract.checkObject('checkout.session', raw, 'emulator')).toEqual([]);
    const { ui_mode: _gone, ...withoutUiMode } = raw;
    const problems = [
      ...contract.checkObject('checkout.session', { ...raw, ui_mode: 'hosted' }, 'a'),
      ...contract.checkObject('checkout.session', withoutUiMode, 'b'),
      ...contract.checkObject('checkout.session', { ...raw, invented: 1 }, 'c'),
      ...contract.checkObject('checkout.session', { ...raw, custom_text: { ...(raw.custom_text as object), submit: { message: null } } }, 'd'),
    ].map((v) => `${v.source} ${v.path}: ${v.problem}`);
    expect(problems).toEqual([
      'a /ui_mode: must be one of elements|embedded_page|form|hosted_page or null (got "hosted")',
      'b /ui_mode: missing: a required field in this API version',
      'c /invented: unknown field: not in this API version',
      'd /custom_text/submit/message: must be string (got null)',
    ]);
  });
});

/** A fixture's violations, sorted into the kinds that Calibration explains. */
function differences(violations: Violation[]): Required<Omit<Calibration, 'apiVersion'>> {
  const pick = (test: (v: Violation) => boolean) => violations.filter(test).map((v) => v.path).sort();
  const expansion = (v: Violation) => v.problem.startsWith('must be string') && v.problem.includes('"object":');
  return {
    added: pick((v) => v.problem.startsWith('missing')),
    removed: pick((v) => v.problem.startsWith('unknown')),
    unmodelledExpansions: pick(expansion),
    changed: pick((v) => !v.problem.startsWith('missing') && !v.problem.startsWith('unknown') && !expansion(v)),
  };
}

function explained(c: Calibration): Required<Omit<Calibration, 'apiVersion'>> {
  return {
    added: [...(c.added ?? [])].sort(),
    removed: [...(c.removed ?? [])].sort(),
    unmodelledExpansions: [...(c.unmodelledExpansions ?? [])].sort(),
    changed: [...(c.changed ?? [])].sort(),
  };
}

describe('calibration: Stripe\'s own payloads pass the schemas, or differ only as explained', () => {
  const FIXTURES = new URL('../../fixtures/stripe/', import.meta.url);
  const load = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;

  it('Stripe\'s example of every modelled resource (openapi fixtures3)', () => {
    const contract = createContract(compiled);
    const examples = load('openapi-fixtures3.json').resources as Record<string, unknown>;
    const modelled = Object.keys(schemas.objects).filter((name) => name in examples);
    expect(modelled.length).toBeGreaterThanOrEqual(15);
    for (const name of modelled) {
      const found = differences(contract.checkObject(name, examples[name], 'fixtures3'));
      expect(found, name).toEqual(explained(EXAMPLE_DIFFERENCES[name] ?? { apiVersion: '' }));
    }
  });

  it.each(Object.keys(FIXTURE_DIFFERENCES))('the captured event %s', (file) => {
    const contract = createContract(compiled);
    const raw = load(file);
    const event = (raw.body ?? raw) as { api_version: string };
    const calibration = FIXTURE_DIFFERENCES[file]!;
    expect(calibration.apiVersion).toContain(event.api_version);
    expect(differences(contract.checkEvent(event, file))).toEqual(explained(calibration));
  });
});

describe('contract: every object the emulator returns and every webhook it delivers, over every flow', () => {
  it('API responses (objects, lists, expansions, errors) have zero violations', () => {
    const contract = createContract(compiled);
    // The faults helper is the emulator's own; Stripe has no such object to hold it to.
    const stripeShaped = wire.filter((r) => !r.path.startsWith('/v1/test_helpers/faults'));
    const violations = stripeShaped.flatMap((r) => contract.checkResponse(r.body, `${r.method} ${r.path.split('?')[0]} -> ${r.status}`));
    console.info(`[stripe contract] API responses: ${summary(contract)}\n  violations: ${violations.length}\n${report(violations).join('\n')}`);
    expect(report(violations)).toEqual([]);
    // Each kind of object, and each error status, was seen at least once.
    for (const type of Object.keys(schemas.objects).filter((t) => !['subscription_item', 'line_item', 'event'].includes(t))) {
      expect(contract.counts[type] ?? 0, `${type} validated`).toBeGreaterThan(0);
    }
    expect([...new Set(wire.filter((r) => r.status >= 400).map((r) => r.status))].sort()).toEqual([400, 401, 402, 404, 429, 500]);
  });

  it('webhook payloads (each event by its type, data.object by its object type) have zero violations', () => {
    const contract = createContract(compiled);
    expect(h.deliveries.length).toBeGreaterThan(0);
    const violations = h.deliveries.flatMap((d) => {
      const payload = JSON.parse(d.rawBody) as { type: string; id: string };
      return contract.checkEvent(payload, `webhook ${payload.type} ${payload.id}`);
    });
    console.info(`[stripe contract] webhooks: ${summary(contract)}\n  violations: ${violations.length}\n${report(violations).join('\n')}`);
    expect(report(violations)).toEqual([]);
    // Events are rendered in the version the service pins, as Stripe does for its webhook endpoint.
    expect(new Set(h.deliveries.map((d) => d.event.api_version))).toEqual(new Set([STRIPE_API_VERSION]));
    const delivered = new Set(h.deliveries.map((d) => d.event.type));
    for (const type of [
      'checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed',
      'checkout.session.expired', 'payment_intent.created', 'payment_intent.processing', 'payment_intent.succeeded',
      'payment_intent.payment_failed', 'payment_intent.canceled', 'charge.succeeded', 'charge.failed', 'charge.refunded',
      'refund.created', 'charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.funds_reinstated',
      'charge.dispute.closed', 'customer.created', 'customer.subscription.created', 'customer.subscription.updated',
      'customer.subscription.deleted', 'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded',
      'invoice.payment_failed', 'payout.created', 'payout.paid',
    ]) {
      expect(delivered, type).toContain(type);
    }
  });
});
