import express, { type Request, type Response, type Router } from 'express';
import type { EmulatorContext, RequestInfo } from './context.ts';
import { EmulatorApiError, invalidParam, unrecognizedUrl, type StripeErrorBody } from './errors.ts';
import { sendFault, type Fault } from './faults.ts';
import { newId } from './ids.ts';
import type { Params } from './params.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  query: Params;
  headers: Record<string, string | undefined>;
}

/** Mutable test controls shared by the HTTP layer and the public handle. */
export interface HttpControls {
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
const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

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
      type: 'invalid_request_error',
      message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    };
  }
  let key: string | undefined;
  const [scheme, value] = header.split(' ', 2);
  if (scheme === 'Bearer') key = value;
  else if (scheme === 'Basic' && value) key = Buffer.from(value, 'base64').toString('utf8').split(':')[0];
  if (!key || !/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key)) {
    const shown = key ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : '';
    return { type: 'invalid_request_error', message: `Invalid API Key provided: ${shown}` };
  }
  return null;
}

/** What the endpoint answered, and whether Stripe would save it under the idempotency key. */
interface Outcome {
  status: number;
  body: unknown;
  executed: boolean;
}

function runHandler(ctx: EmulatorContext, handler: ApiHandler, call: ApiCall, path: string): Outcome {
  try {
    return { status: 200, body: handler(call), executed: true };
  } catch (err) {
    if (err instanceof EmulatorApiError) return { status: err.status, body: { error: err.body }, executed: err.executed };
    ctx.logger.error({ err, path }, 'stripe emulator handler failed');
    return { status: 500, body: { error: { type: 'api_error', message: 'An unknown error occurred' } }, executed: true };
  }
}

/**
 * Stripe's API envelope around every /v1 route: auth, injected faults, idempotency keys, Stripe's
 * headers and error bodies. `beforeEach` runs lazy time-based transitions (expiry, settlement).
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
    res.setHeader('Stripe-Version', ctx.apiVersion);
    const version = req.get('Stripe-Version');
    if (version && version !== ctx.apiVersion && !warnedVersions.has(version)) {
      // Objects always come back in the SDK's pinned shape; a client pinned elsewhere should know.
      warnedVersions.add(version);
      ctx.logger.warn({ requested: version, served: ctx.apiVersion }, 'stripe emulator serves a single API version');
    }
    const authError = authenticate(req);
    if (authError) return sendError(res, 401, authError);
    const fault = req.path.startsWith('/test_helpers/') ? null : ctx.faults.take(req.method, `${req.baseUrl}${req.path}`);
    if (fault && !fault.lose_answer) return sendFault(res, fault);
    // A lost answer: the endpoint runs as usual, and wrap() sends the fault in place of its answer.
    if (fault) res.locals.lostAnswer = fault;
    next();
  });

  const wrap = (method: string, handler: ApiHandler) => (req: Request, res: Response) => {
    const requestId = res.getHeader('Request-Id') as string;
    const key = method === 'POST' ? req.get('Idempotency-Key') ?? null : null;
    const input: Params = { ...(req.query as Params), ...((req.body as Params | undefined) ?? {}) };
    const fullPath = `${req.baseUrl}${req.path}`;
    const call: ApiCall = { params: req.params as Record<string, string>, input, req: { id: requestId, idempotencyKey: key } };
    const answer = (status: number, body: unknown) => {
      const lost = res.locals.lostAnswer as Fault | undefined;
      if (lost) return sendFault(res, lost);
      res.status(status).json(body);
    };
    const run = (): Outcome => {
      beforeEach();
      return runHandler(ctx, handler, call, fullPath);
    };
    if (key === null) {
      const outcome = run();
      return answer(outcome.status, outcome.body);
    }
    res.setHeader('Idempotency-Key', key);
    if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
      const err = invalidParam(`Idempotency keys can be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters long; this one has ${key.length}.`);
      return sendError(res, err.status, err.body);
    }
    const store = ctx.store;
    const existing = store.idempotency.get(key);
    if (existing && existing.createdAtMs < ctx.nowMs() - IDEMPOTENCY_TTL_MS) store.idempotency.delete(key);
    const fingerprint = `${method} ${fullPath} ${canonical(req.body ?? {})}`;
    const stored = store.idempotency.get(key);
    if (stored && stored.fingerprint !== fingerprint) {
      return sendError(res, 400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    if (stored) {
      res.setHeader('Idempotent-Replayed', 'true');
      res.setHeader('Original-Request', stored.requestId);
      if (stored.status >= 500) res.setHeader('Stripe-Should-Retry', 'false');
      return answer(stored.status, stored.body);
    }
    const outcome = run();
    res.setHeader('Original-Request', requestId);
    // Stripe saves whatever an endpoint answered once it began executing, errors and 500s included,
    // so a retry gets the same answer; a request whose parameters failed validation is not saved.
    if (outcome.executed) {
      store.idempotency.set(key, { fingerprint, status: outcome.status, body: outcome.body, requestId, createdAtMs: ctx.nowMs() });
      if (outcome.status >= 500) res.setHeader('Stripe-Should-Retry', 'false');
    }
    answer(outcome.status, outcome.body);
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
