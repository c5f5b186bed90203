// The donor's manage link: `<payload>.<signature>`, the payload naming one donor email and an
// expiry, signed with HMAC-SHA256. Holding it is what proves the donor reads that mailbox, so it
// only ever opens that email's own gifts. Stateless: nothing to store, any instance checks it.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenCheck = { ok: true; email: string; expiresAt: Date } | { ok: false; reason: 'malformed' | 'tampered' | 'expired' };

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function signature(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`manage-link.v1.${payload}`).digest();
}

export function signManageToken(email: string, expiresAt: Date, secret: string): string {
  const payload = b64(JSON.stringify({ e: email.toLowerCase(), x: Math.floor(expiresAt.getTime() / 1000) }));
  return `${payload}.${b64(signature(payload, secret))}`;
}

export function checkManageToken(token: string, secret: string, now: Date): TokenCheck {
  const match = /^([A-Za-z0-9_-]{10,1000})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, payload, sig] = match as unknown as [string, string, string];
  const expected = signature(payload, secret);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'tampered' };
  let claims: { e?: unknown; x?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.e !== 'string' || typeof claims.x !== 'number') return { ok: false, reason: 'malformed' };
  const expiresAt = new Date(claims.x * 1000);
  if (expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, email: claims.e, expiresAt };
}
