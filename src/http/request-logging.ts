// One JSON log line per request, with a request id that is also returned to the client so a
// donor's report can be matched to the log.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;
// Secrets a caller may paste into a URL by mistake (?key=dk_live_...): the URL is logged, they are not.
const SECRET_IN_URL = /(dk_live_|whsec_|[sr]k_(live|test)_)[A-Za-z0-9_+/=%-]+/g;
export const redactUrl = (url: string | undefined) => url?.replace(SECRET_IN_URL, '$1[redacted]');

export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req, res) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // On every line logged through req.log, not only the closing one.
    customProps: (req) => ({ reqId: req.id }),
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    // Keep the line short and free of secrets: no headers (Authorization, Stripe-Signature, cookies).
    serializers: {
      req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.remoteAddress }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' },
  });
}
