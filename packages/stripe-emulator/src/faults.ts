/**
 * Injected faults: Stripe answering 429, 500 or 401, or not answering at all, for the API requests
 * that match a method and a path pattern, a number of times or for a while. Reachable in-process
 * (`setFailureMode`) and over HTTP (`/v1/test_helpers/faults`), so one standalone emulator shared
 * by several app instances fails for all of them at once. A fault acts like an outage in front of
 * Stripe's API: after the API key is checked, before the endpoint runs, so nothing is saved under
 * the request's idempotency key (a retry with the same key runs for real). With `lose_answer` the
 * fault acts behind Stripe instead: the endpoint runs and its outcome is saved under the key, then
 * the answer is lost as `status` says (a connection cut after Stripe did the work), so a retry with
 * the same key gets the saved outcome and one with a new key does the work again. Test helpers
 * never fail.
 */
import type { Response } from 'express';
import { invalidParam, missingParam, type StripeErrorBody } from './errors.ts';
import { newId } from './ids.ts';
import { optBool, optEnum, optInt, optString, type Params } from './params.ts';

export type FaultStatus = 429 | 500 | 401 | 'timeout';

/** What to fail, as asked for. */
export interface FaultSpec {
  status: FaultStatus;
  /** `GET`, `POST`, `DELETE` or `*`. */
  method: string;
  /** A request path with `*` wildcards, e.g. `/v1/checkout/sessions*`; `*` alone is every path. */
  path: string;
  /** Matching requests to fail; undefined = no limit. */
  count?: number;
  /** How long the fault lasts from now; undefined = until its count runs out or it is cleared. */
  durationMs?: number;
  /** Run the request, then lose its answer (see above); false = fail before it runs. */
  loseAnswer?: boolean;
}

/** A fault as the test helper shows it. */
export interface Fault {
  id: string;
  object: 'test_helpers.fault';
  status: FaultStatus;
  method: string;
  path: string;
  /** Matching requests still to fail; null = no limit. */
  remaining: number | null;
  /** Unix seconds; null = no time limit. */
  expires_at: number | null;
  /** The request runs and only its answer is lost. */
  lose_answer: boolean;
  created: number;
}

/** The in-process shape kept from before faults could be set over HTTP. */
export type FailureMode = null | { status: 500 | 429 | 401; times?: number } | { hang: true; times?: number };

export interface FaultList {
  add(spec: FaultSpec): Fault;
  list(): Fault[];
  remove(id: string): boolean;
  clear(): void;
  /** The fault this request meets, if any, counted against the fault's remaining requests. */
  take(method: string, path: string): Fault | null;
}

interface Entry {
  fault: Fault;
  pattern: RegExp;
  expiresAtMs: number | null;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

export function createFaultList(nowMs: () => number): FaultList {
  let entries: Entry[] = [];
  const live = (e: Entry) => (e.fault.remaining === null || e.fault.remaining > 0) && (e.expiresAtMs === null || e.expiresAtMs > nowMs());
  const prune = () => {
    entries = entries.filter(live);
  };
  return {
    add(spec) {
      const now = nowMs();
      const expiresAtMs = spec.durationMs === undefined ? null : now + spec.durationMs;
      const fault: Fault = {
        id: newId('fault'),
        object: 'test_helpers.fault',
        status: spec.status,
        method: spec.method,
        path: spec.path,
        remaining: spec.count ?? null,
        expires_at: expiresAtMs === null ? null : Math.ceil(expiresAtMs / 1000),
        lose_answer: spec.loseAnswer ?? false,
        created: Math.floor(now / 1000),
      };
      entries.push({ fault, pattern: globToRegExp(spec.path), expiresAtMs });
      return { ...fault };
    },
    list() {
      prune();
      return entries.map((e) => ({ ...e.fault }));
    },
    remove(id) {
      const before = entries.length;
      entries = entries.filter((e) => e.fault.id !== id);
      return entries.length < before;
    },
    clear() {
      entries = [];
    },
    take(method, path) {
      prune();
      // The oldest matching fault applies, so faults set up in order play out in order.
      const entry = entries.find((e) => (e.fault.method === '*' || e.fault.method === method) && e.pattern.test(path));
      if (!entry) return null;
      if (entry.fault.remaining !== null) entry.fault.remaining -= 1;
      return { ...entry.fault };
    },
  };
}

/** `setFailureMode` in the faults' terms: one fault on every API path. */
export function specFromFailureMode(mode: Exclude<FailureMode, null>): FaultSpec {
  return { status: 'hang' in mode ? 'timeout' : mode.status, method: '*', path: '*', count: mode.times };
}

const STATUSES = ['429', '500', '401', 'timeout'] as const;
const METHODS = ['*', 'GET', 'POST', 'DELETE'] as const;

/** Reads `POST /v1/test_helpers/faults`: status, and optionally method, path, count, duration_ms, lose_answer. */
export function parseFaultSpec(input: Params): FaultSpec {
  const status = optEnum(input, 'status', STATUSES);
  if (!status) throw missingParam('status');
  const path = optString(input, 'path') || '*';
  if (path !== '*' && !path.startsWith('/')) throw invalidParam('`path` must start with / (e.g. /v1/checkout/sessions*) or be *.', 'path');
  const count = optInt(input, 'count');
  if (count !== undefined && count < 1) throw invalidParam('`count` must be at least 1.', 'count');
  const durationMs = optInt(input, 'duration_ms');
  if (durationMs !== undefined && durationMs < 1) throw invalidParam('`duration_ms` must be at least 1.', 'duration_ms');
  return {
    status: status === 'timeout' ? 'timeout' : (Number(status) as 429 | 500 | 401),
    method: optEnum(input, 'method', METHODS) ?? '*',
    path,
    count,
    durationMs,
    loseAnswer: optBool(input, 'lose_answer') ?? false,
  };
}

/** Stripe's own bodies for these statuses. */
const FAULT_BODIES: Record<429 | 500 | 401, StripeErrorBody> = {
  429: {
    type: 'invalid_request_error',
    code: 'rate_limit',
    doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
    message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
  },
  500: { type: 'api_error', message: 'An unknown error occurred' },
  401: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_********************' },
};

/** Answers the request as the fault says; a timeout never answers (the client gives up, or stop() drops it). */
export function sendFault(res: Response, fault: Fault): void {
  if (fault.status === 'timeout') return;
  res.status(fault.status).json({ error: FAULT_BODIES[fault.status] });
}
