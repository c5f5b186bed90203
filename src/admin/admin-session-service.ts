// Dashboard sessions, held server-side: signing out (or revoking the key) ends a session for every
// copy of its cookie at once, on every instance. The cookie carries 256 random bits; the database
// keeps only their SHA-256, as for admin keys. The CSRF token is derived from the cookie's token
// by a one-way HMAC: bound to the session, never stored, and useless without the cookie.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminSessionRepository } from './admin-session-repository.ts';

export const SESSION_TTL_MS = 8 * 3600_000;
export const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface AdminSession {
  keyId: string;
  label: string;
  expires: Date;
  csrf: string;
}

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const csrfOf = (token: string) => createHmac('sha256', token).update('dashboard-csrf').digest('base64url');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createAdminSessionService(deps: { sessions: AdminSessionRepository; clock?: () => Date }) {
  const now = deps.clock ?? (() => new Date());

  return {
    /** A new session for a verified key: the token goes in the cookie and nowhere else. */
    async start(keyId: string): Promise<{ token: string; expires: Date }> {
      const at = now();
      // Sign-ins are rare: tidying expired rows here keeps the table small without a job.
      await deps.sessions.deleteExpired(at);
      const token = randomBytes(32).toString('base64url');
      const expires = new Date(at.getTime() + SESSION_TTL_MS);
      await deps.sessions.insert({ keyId, tokenHash: hashToken(token), expiresAt: expires });
      return { token, expires };
    },

    async find(token: string | undefined): Promise<AdminSession | null> {
      if (!token || !SESSION_TOKEN_PATTERN.test(token)) return null;
      const stored = await deps.sessions.findLive(hashToken(token), now());
      return stored && { keyId: stored.keyId, label: stored.label, expires: stored.expiresAt, csrf: csrfOf(token) };
    },

    /** Sign-out: the token stops working for everyone holding it. */
    end: (token: string) => deps.sessions.delete(hashToken(token)),
  };
}

export type AdminSessionService = ReturnType<typeof createAdminSessionService>;
