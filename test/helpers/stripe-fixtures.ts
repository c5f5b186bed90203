// The real Stripe payloads in test/fixtures/stripe/ (see PROVENANCE.md), as a test-mode account
// would send them: they were recorded in live mode, and the app under test has a test key, so as
// recorded it stores them as ignored (livemode must match the key's mode, issue 12).
import { readFileSync } from 'node:fs';

export function stripeFixture(name: string): any {
  const raw = JSON.parse(readFileSync(new URL(`../fixtures/stripe/${name}.json`, import.meta.url), 'utf8'));
  return { ...(raw.body ?? raw), livemode: false };
}
