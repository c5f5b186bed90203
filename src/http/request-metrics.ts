// Request count and latency by route pattern and status, for /metrics. The label is the route the
// request matched as the app declares it ('/api/campaigns/:slug'), never the path it asked for,
// so a crawler walking random URLs adds no series: what matched no route is 'unmatched'.
import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../metrics/metrics.ts';

// nginx's convention for "the client closed the connection before the answer was complete".
const CLIENT_CLOSED = 499;

/**
 * The pattern of the last route the request matched, caught when Express sets `req.route`: that is
 * when `req.baseUrl` still holds the prefix of the router it matched in (an error leaving that
 * router resets baseUrl before the answer is written).
 */
function trackRoute(req: Request): () => string {
  // Routing ignores case, and baseUrl is the prefix as the client typed it (/API/Admin): the app's
  // prefixes are lower case, so lower-casing gives back the pattern and one series, not 2^n.
  const prefix = () => req.baseUrl.toLowerCase();
  let matched: string | undefined;
  let current: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set(route: { path?: unknown } | undefined) {
      current = route;
      if (typeof route?.path === 'string') matched = `${prefix()}${route.path}`;
    },
  });
  // Middleware on a fixed prefix that answered by itself (the static assets) has no route.
  return () => matched ?? (req.baseUrl ? `${prefix()}/*` : 'unmatched');
}

export function requestMetrics(metrics: Pick<Metrics, 'httpRequest'>): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const route = trackRoute(req);
    res.once('close', () => {
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      metrics.httpRequest({ method: req.method, route: route(), status }, (performance.now() - started) / 1000);
    });
    next();
  };
}
