// The dashboard session's cookie and the checks on a state-changing request. The session itself
// lives in the database (src/admin/admin-session-service.ts): the cookie is only its token.
import { parseCookie } from 'cookie';
import type { Request, Response } from 'express';
import { sameSecret, SESSION_TTL_MS, type AdminSession } from '../admin/admin-session-service.ts';

export const SESSION_COOKIE = 'admin_session';
const COOKIE_PATH = '/admin';

// A value that is not valid percent-encoding names no session: read as no cookie, as before,
// rather than cookie's default of passing the raw text through.
const decodeOrNothing = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
};

/** One cookie of the request, decoded; undefined when absent or not valid percent-encoding. */
export const readCookie = (req: Request, name: string): string | undefined =>
  parseCookie(req.headers.cookie ?? '', { decode: decodeOrNothing })[name];

export const sessionToken = (req: Request): string | undefined => readCookie(req, SESSION_COOKIE);

export function setSessionCookie(res: Response, token: string, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: COOKIE_PATH, maxAge: SESSION_TTL_MS });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: COOKIE_PATH });
}

/**
 * Did the browser send this request from one of our own pages? Asked of headers a page cannot set.
 * Sec-Fetch-Site (every current browser) answers whatever the referrer policy; a browser without
 * it is asked for Origin, which it sends on a form POST. `Origin: null` (a sandboxed frame, a
 * data: URL, or an old browser under a no-referrer policy) proves nothing and is refused. Neither
 * header: not a browser (curl, a script), for which the cookie and the token decide.
 */
export function fromThisSite(req: Request, publicOrigin: string): boolean {
  const site = req.get('Sec-Fetch-Site');
  // Not 'same-site': a sibling subdomain is another party.
  if (site) return site === 'same-origin';
  const origin = req.get('Origin');
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  try {
    const url = new URL(origin);
    return url.origin === publicOrigin || url.host === req.get('Host');
  } catch {
    return false;
  }
}

/**
 * A state-changing dashboard request needs the session's CSRF token in its form body and must
 * come from this site. SameSite=Strict already keeps the cookie off cross-site requests; these are
 * the second and third locks.
 */
export function csrfOk(req: Request, session: AdminSession, publicOrigin: string): boolean {
  const token = typeof req.body?.csrf === 'string' ? req.body.csrf : '';
  return fromThisSite(req, publicOrigin) && sameSecret(token, session.csrf);
}
