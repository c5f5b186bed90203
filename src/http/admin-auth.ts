// Bearer-key authentication for /api/admin. Every failure (no header, another scheme, a malformed,
// unknown or revoked key) gets the same 401, so a caller learns nothing about which keys exist.
import type { RequestHandler } from 'express';
import { AppError } from './app-error.ts';

export interface AdminKeyVerifier {
  verify(presented: string): Promise<{ keyId: string; label: string } | null>;
}

declare module 'express-serve-static-core' {
  interface Request {
    admin?: { keyId: string; label: string };
  }
}

const unauthorized = () =>
  new AppError(401, 'unauthorized', 'A valid admin key is required (Authorization: Bearer <key>)', undefined, {
    'WWW-Authenticate': 'Bearer realm="admin"',
  });

const BEARER = /^Bearer +(\S+) *$/i;

export function adminAuth(keys: AdminKeyVerifier): RequestHandler {
  return async (req, res, next) => {
    // Admin answers hold donor data: never cached by a browser or a proxy.
    res.set('Cache-Control', 'no-store');
    const match = BEARER.exec(req.get('Authorization') ?? '');
    const principal = match ? await keys.verify(match[1]!) : null;
    if (!principal) return next(unauthorized());
    req.admin = principal;
    req.log?.info({ adminKeyId: principal.keyId }, 'admin request');
    next();
  };
}
