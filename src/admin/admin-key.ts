// Admin keys: long random bearer secrets. Only their SHA-256 is stored, so a leaked database dump
// gives no working key; SHA-256 (not a slow KDF) is enough because the key has 256 random bits.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'dk_live_';
// 32 random bytes in base64url: 43 characters.
export const KEY_PATTERN = /^dk_live_[A-Za-z0-9_-]{43}$/;
// What `list-keys` shows to tell keys apart: the prefix plus a few characters, never enough to guess.
const SHOWN_CHARS = KEY_PREFIX.length + 4;

export interface AdminKey {
  id: string;
  label: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function generateKey(): { key: string; hash: string; prefix: string } {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashKey(key), prefix: key.slice(0, SHOWN_CHARS) };
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time equality of two hex digests of equal length. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
