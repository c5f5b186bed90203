// One JSON log line per request, with a request id that is also returned to the client so a
// donor's report can be matched to the log. Written on pino directly rather than through
// pino-http: pino-http builds a child logger and serialisers for every request whether or not a
// line is written, which cost a third of the throughput of the progress endpoint (measured:
// 0.56x of a bare Express handler with it, 0.85x without; see BENCHMARKS.md). Here the child
// logger is made only when a handler logs, and the closing line only when its level is on.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { Level, Logger } from 'pino';
import { oncePerRequestPrototype } from './request-prototype.ts';

declare module 'node:http' {
  interface IncomingMessage {
    id: string;
    log: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;
// Secrets a caller may paste into a URL by mistake (?key=dk_live_...): the URL is logged, they are not.
const SECRET_IN_URL = /(dk_live_|whsec_|[sr]k_(live|test)_)[A-Za-z0-9_+/=%-]+/g;
// A donor's manage link is their credential to change their gift: its token is never logged.
const MANAGE_TOKEN = /(\/manage\/)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;
export const redactUrl = (url: string | undefined) => url?.replace(SECRET_IN_URL, '$1[redacted]').replace(MANAGE_TOKEN, '$1[redacted]');

function levelFor(statusCode: number): Level {
  if (statusCode >= 500) return 'error';
  if (statusCode >= 400) return 'warn';
  return 'info';
}

const BASE = Symbol('the logger req.log is a child of');
const CHILD = Symbol('req.log, once made');
type LoggedRequest = IncomingMessage & { [BASE]?: Logger; [CHILD]?: Logger };

/** `req.log` as an accessor on the app's request prototype (request-prototype.ts says why). */
function lazyChildLogger(proto: object): void {
  Object.defineProperty(proto, 'log', {
    configurable: true,
    get(this: LoggedRequest) {
      return (this[CHILD] ??= this[BASE]?.child({ reqId: this.id }));
    },
    set(this: LoggedRequest, value: Logger) {
      this[CHILD] = value;
    },
  });
}

/**
 * Starts a request's log: gives it an id (the client's X-Request-Id when it is a sane one), sets
 * req.id and req.log, and writes the closing line when the response closes. Returns the id, for
 * the X-Request-Id response header.
 */
export function requestLog(logger: Logger): (req: Request, res: Response) => string {
  // The closing line is built from known fields only (no headers, the URL redacted above), so it
  // skips pino's redaction, whose wildcard paths walked every line (measured on progress reads).
  const lines = logger.child({}, { redact: [] });
  const installed = oncePerRequestPrototype(lazyChildLogger);
  return (req, res) => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    (req as LoggedRequest)[BASE] = logger;
    installed(req);
    if (req.url === '/healthz') return id;
    // 'close' also covers a client that went away before the answer was complete.
    res.once('close', () => {
      const level = res.writableFinished ? levelFor(res.statusCode) : 'warn';
      if (!lines.isLevelEnabled(level)) return;
      // Keep the line short and free of secrets: no headers (Authorization, Stripe-Signature, cookies).
      lines[level](
        {
          reqId: id,
          req: { method: req.method, url: redactUrl(req.originalUrl), remoteAddress: req.socket.remoteAddress },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    return id;
  };
}
