// Bodies must be what they claim: UTF-8 JSON, or a form whose percent-escapes decode to UTF-8.
// Without these checks the parsers quietly turn invalid or overlong byte sequences into U+FFFD
// (JSON) or keep the escapes as literal text (forms), and mangled input could be stored.
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { AppError } from './app-error.ts';

const invalid = (what: string) => new AppError(400, 'invalid_body', `Request body is not valid ${what}`);

/** body-parser `verify` for express.json: the raw bytes must be UTF-8. */
export function requireUtf8(_req: IncomingMessage, _res: unknown, buf: Buffer): void {
  if (!isUtf8(buf)) throw invalid('UTF-8');
}

/** body-parser `verify` for express.urlencoded: UTF-8 bytes and well-formed percent-escapes. */
export function requireWellFormedForm(_req: IncomingMessage, _res: unknown, buf: Buffer): void {
  if (!isUtf8(buf)) throw invalid('UTF-8');
  try {
    decodeURIComponent(buf.toString('utf8').replace(/\+/g, ' '));
  } catch {
    throw invalid('form encoding (malformed percent-escapes)');
  }
}
