// The digest's two links. The confirmation link carries a random token of which only a SHA-256 is
// kept (the row holds the proof that whoever clicks read that mailbox, never the key itself); a
// new sign-up that sends a new email replaces it. The unsubscribe link must work in every message
// for as long as the address gets any, so it is stateless: the subscriber's id signed with
// HMAC-SHA256 under the manage links' key (MANAGE_LINK_SECRET, or the one kept in the database),
// with a purpose prefix of its own so that no manage token can pass for it.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function newConfirmToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: confirmTokenHash(token) };
}

export const confirmTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export const isConfirmToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function signature(subscriberId: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`digest-unsubscribe.v1.${subscriberId}`).digest();
}

export function signUnsubscribeToken(subscriberId: string, secret: string): string {
  return `${subscriberId}.${signature(subscriberId, secret).toString('base64url')}`;
}

/** The subscriber id the token was made for, or null for anything else. */
export function checkUnsubscribeToken(token: string, secret: string): string | null {
  const [id, sig, ...rest] = token.split('.');
  if (!id || !sig || rest.length || !UUID.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return null;
  const given = Buffer.from(sig, 'base64url');
  const expected = signature(id, secret);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}
