import { readFileSync } from 'node:fs';

// Real Stripe payloads (see PROVENANCE.md there). They stay in the repository's test/fixtures/stripe:
// the app's webhook tests deliver the same captures, and one copy keeps one provenance.
const STRIPE_FIXTURES = new URL('../../../test/fixtures/stripe/', import.meta.url);

export function loadStripeFixture(name: string): any {
  return JSON.parse(readFileSync(new URL(name, STRIPE_FIXTURES), 'utf8'));
}
