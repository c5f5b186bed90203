// Request count and latency by route pattern and status, for /metrics. The label is the route the
// request matched as the app declares it ('/api/campaigns/:slug'), never the path it asked for,
// so a crawler walking random URLs adds no series: what matched no route is 'unmatched'.
import type { Request, Response } from 'express';
import type { Metrics } from '../metrics/metrics.ts';
import { oncePerRequestPrototype } from './request-prototype.ts';

// nginx's convention for "the client closed the connection before the answer was complete".
const CLIENT_CLOSED = 499;

const ROUTE = Symbol('req.route');
const MATCHED = Symbol('the pattern of the last route matched');
type TrackedRequest = Request & { [ROUTE]?: unknown; [MATCHED]?: string };

/**
 * Catches the pattern of the last route the request matched when Express sets `req.route`: that is
 * when `req.baseUrl` still holds the prefix of the router it matched in (an error leaving that
 * router resets baseUrl before the answer is written). An accessor on the app's request prototype
 * (request-prototype.ts says why).
 */
function trackRoutes(proto: object): void {
  Object.defineProperty(proto, 'route', {
    configurable: true,
    enumerable: true,
    get(this: TrackedRequest) {
      return this[ROUTE];
    },
    set(this: TrackedRequest, route: { path?: unknown } | undefined) {
      this[ROUTE] = route;
      if (typeof route?.path === 'string') this[MATCHED] = `${prefix(this)}${route.path}`;
    },
  });
}

// Routing ignores case, and baseUrl is the prefix as the client typed it (/API/Admin): the app's
// prefixes are lower case, so lower-casing gives back the pattern and one series, not 2^n.
const prefix = (req: Request) => req.baseUrl.toLowerCase();

// Middleware on a fixed prefix that answered by itself (the static assets) has no route.
const routeOf = (req: TrackedRequest) => req[MATCHED] ?? (req.baseUrl ? `${prefix(req)}/*` : 'unmatched');

/**
 * Counts a request and its latency, under its route's pattern, when the response closes. A caller
 * that already knows the route (the cached progress poll, which answers before any router) gives
 * it, and nothing is stored on the request.
 */
export function requestMeasure(metrics: Pick<Metrics, 'httpRequest'>): (req: Request, res: Response, route?: string) => void {
  const installed = oncePerRequestPrototype(trackRoutes);
  return (req, res, route) => {
    const started = performance.now();
    if (route === undefined) {
      installed(req);
      (req as TrackedRequest)[MATCHED] = undefined;
    }
    res.once('close', () => {
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      metrics.httpRequest({ method: req.method, route: route ?? routeOf(req), status }, (performance.now() - started) / 1000);
    });
  };
}
