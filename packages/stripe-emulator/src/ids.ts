import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

/** Ids shaped like Stripe's test-mode ids, so code that checks prefixes (cs_, pi_, ch_...) works unchanged. */
export function newId(prefix: string): string {
  // Checkout session ids are long on Stripe (cs_test_ + 58 chars); keep that so URL/column sizes get exercised.
  if (prefix === 'cs') return `cs_test_${randomToken(58)}`;
  return `${prefix}_${randomToken(24)}`;
}

export function newSecret(prefix: string, length = 24): string {
  return `${prefix}_${randomToken(length)}`;
}
