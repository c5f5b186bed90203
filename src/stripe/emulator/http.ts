import express, { type Request, type Response, type Router } from 'express';
import type { EmulatorContext, RequestInfo } from './context.ts';
import { EmulatorApiError, unrecognizedUrl, type StripeErrorBody } from './errors.ts';
import { newId } from './ids.ts';
import type { Params } from './params.ts';

export type FailureMode = null | { status: 500 | 429 | 401; times?: number } | { hang: true; times?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  query: Params;
  headers: Record<string, string | undefined>;
}

/** Mutable test controls shared by the HTTP layer and the public handle. */
export interface HttpControls {
  failure: FailureMode;
  requests: RecordedRequest[];
}

export interface ApiCall {
  params: Record<string, string>;
  /** Query and form body merged: the SDK sends GET/DELETE params in the query, POST params in the body. */
  input: Params;
  req: RequestInfo;
}

export type ApiHandler = (call: ApiCall) => unknown;

export interface ApiRegistrar {
  get(path: string, handler: ApiHandler): void;
  post(path: string, handler: ApiHandler): void;
  del(path: string, handler: ApiHandler): void;
}

const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

function sendError(res: Response, status: number, body: StripeErrorBody): void {
  res.status(status).json({ error: body });
}

function headerMap(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Stable JSON so that `{a,b}` and `{b,a}` count as the same idempotent params. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function authenticate(req: Request): StripeErrorBody | null {
  const header = req.headers.authorization;
  if (!header) {
    return {
      type: 'authentication_error',
      message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    };
  }
  let key: string | undefined;
  const [scheme, value] = header.split(' ', 2);
  if (scheme === 'Bearer') key = value;
  else if (scheme === 'Basic' && value) key = Buffer.from(value, 'base64').toString('utf8').split(':')[0];
  if (!key || !/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key)) {
    const shown = key ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : '';
    return { type: 'authentication_error', message: `Invalid API Key provided: ${shown}` };
  }
  return null;
}

function failureResponse(res: Response, controls: HttpControls): boolean {
  const mode = controls.failure;
  if (!mode) return false;
  if (mode.times !== undefined) {
    if (mode.times <= 0) {
      controls.failure = null;
      return false;
    }
    mode.times -= 1;
  }
  if ('hang' in mode) return true; // never answered: the SDK times out; stop() drops the socket
  if (mode.status === 500) sendError(res, 500, { type: 'api_error', message: 'An unknown error occurred' });
  else if (mode.status === 429) {
    sendError(res, 429, {
      type: 'invalid_request_error',
      code: 'rate_limit',
      doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
      message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    });
  } else sendError(res, 401, { type: 'authentication_error', message: 'Invalid API Key provided: sk_test_********************' });
  return true;
}

/**
 * Stripe's API envelope around every /v1 route: auth, outage simulation, idempotency keys,
 * request ids, Stripe-shaped errors. `beforeEach` runs lazy time-based transitions (expiry, settlement).
 */
export function createApiRouter(ctx: EmulatorContext, controls: HttpControls, beforeEach: () => void): { router: Router; api: ApiRegistrar } {
  const router = express.Router();
  const warnedVersions = new Set<string>();

  router.use((req, res, next) => {
    controls.requests.push({
      method: req.method,
      path: req.path === '/' ? req.baseUrl : `${req.baseUrl}${req.path}`,
      body: req.body ?? {},
      query: req.query as Params,
      headers: headerMap(req),
    });
    res.setHeader('Request-Id', newId('req'));
    res.setHeader('Stripe-Version', ctx.apiVersion);
    const version = req.get('Stripe-Version');
    if (version && version !== ctx.apiVersion && !warnedVersions.has(version)) {
      // Objects always come back in the SDK's pinned shape; a client pinned elsewhere should know.
      warnedVersions.add(version);
      ctx.logger.warn({ requested: version, served: ctx.apiVersion }, 'stripe emulator serves a single API version');
    }
    const authError = authenticate(req);
    if (authError) return sendError(res, 401, authError);
    if (!req.path.startsWith('/test_helpers/') && failureResponse(res, controls)) return;
    next();
  });

  const wrap = (method: string, handler: ApiHandler) => (req: Request, res: Response) => {
    const requestId = res.getHeader('Request-Id') as string;
    const key = method === 'POST' ? req.get('Idempotency-Key') ?? null : null;
    const input: Params = { ...(req.query as Params), ...((req.body as Params | undefined) ?? {}) };
    const fullPath = `${req.baseUrl}${req.path}`;
    const store = ctx.store;
    let fingerprint = '';
    if (key !== null) {
      const existing = store.idempotency.get(key);
      if (existing && existing.createdAtMs < ctx.nowMs() - IDEMPOTENCY_TTL_MS) store.idempotency.delete(key);
      fingerprint = `${method} ${fullPath} ${canonical(req.body ?? {})}`;
      const stored = store.idempotency.get(key);
      if (stored) {
        if (stored.fingerprint !== fingerprint) {
          return sendError(res, 400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          });
        }
        res.setHeader('Idempotent-Replayed', 'true');
        res.setHeader('Original-Request', stored.requestId);
        return res.status(stored.status).json(stored.body);
      }
    }
    let status = 200;
    let body: unknown;
    try {
      beforeEach();
      body = handler({ params: req.params as Record<string, string>, input, req: { id: requestId, idempotencyKey: key } });
    } catch (err) {
      if (!(err instanceof EmulatorApiError)) {
        ctx.logger.error({ err, path: fullPath }, 'stripe emulator handler failed');
        return sendError(res, 500, { type: 'api_error', message: 'An unknown error occurred' });
      }
      status = err.status;
      body = { error: err.body };
    }
    // Like Stripe, only requests that ran to a result are saved; validation errors can be retried with the same key.
    if (key !== null && (status < 400 || status === 402)) {
      store.idempotency.set(key, { fingerprint, status, body, requestId, createdAtMs: ctx.nowMs() });
    }
    res.status(status).json(body);
  };

  const api: ApiRegistrar = {
    get: (path, h) => void router.get(path, wrap('GET', h)),
    post: (path, h) => void router.post(path, wrap('POST', h)),
    del: (path, h) => void router.delete(path, wrap('DELETE', h)),
  };
  return { router, api };
}

export function notFoundHandler(req: Request, res: Response): void {
  const err = unrecognizedUrl(req.method, req.originalUrl.split('?')[0]!);
  sendError(res, err.status, err.body);
}
