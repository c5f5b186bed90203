// Dashboard sessions without a session table: the cookie holds the key's id and an expiry, signed
// with HMAC under the key's own hash (a secret only the database has). Every instance can check
// it, and revoking the key ends its sessions. The CSRF token is a second HMAC of the same session.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'admin_session';
export const SESSION_TTL_MS = 8 * 3600_000;

export interface SessionSecrets {
  sessionSecret(keyId: string): Promise<{ label: string; secret: string } | null>;
}

export interface AdminSession {
  keyId: string;
  label: string;
  expires: number;
  csrf: string;
}

const mac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('base64url');

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function issueSession(res: Response, key: { keyId: string; secret: string }, secure: boolean, now: number): void {
  const expires = now + SESSION_TTL_MS;
  const value = `${key.keyId}.${expires}.${mac(key.secret, `session:${key.keyId}:${expires}`)}`;
  res.cookie(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/admin',
    maxAge: SESSION_TTL_MS,
  });
}

export function clearSession(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/admin' });
}

export async function readSession(req: Request, secrets: SessionSecrets, now: number): Promise<AdminSession | null> {
  const raw = readCookie(req, SESSION_COOKIE);
  const match = raw ? /^([0-9a-f-]{36})\.(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(raw) : null;
  if (!match) return null;
  const [, keyId, expiresText, signature] = match as unknown as [string, string, string, string];
  const expires = Number(expiresText);
  if (expires <= now) return null;
  const key = await secrets.sessionSecret(keyId);
  if (!key || !equal(signature, mac(key.secret, `session:${keyId}:${expires}`))) return null;
  return { keyId, label: key.label, expires, csrf: mac(key.secret, `csrf:${keyId}:${expires}`) };
}

/**
 * A state-changing dashboard request must carry the session's CSRF token and, when the browser
 * says where it comes from, come from this site. SameSite=Strict already keeps the cookie off
 * cross-site requests; this is the second lock.
 */
export function csrfOk(req: Request, session: AdminSession): boolean {
  const token = typeof req.body?.csrf === 'string' ? req.body.csrf : '';
  const origin = req.get('Origin');
  if (origin && origin !== 'null') {
    try {
      if (new URL(origin).host !== req.get('Host')) return false;
    } catch {
      return false;
    }
  } else if (origin === 'null') {
    return false;
  }
  return equal(token, session.csrf);
}
