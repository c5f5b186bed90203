import Stripe from 'stripe';
import type { EmulatorLogger } from './context.ts';
import type { StripeObject } from './store.ts';

/** Stripe retries for three days; the shape is what matters, tests pass milliseconds. */
export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000, 3_600_000];
const DEFAULT_MAX_IN_FLIGHT = 8;
const ATTEMPT_TIMEOUT_MS = 10_000;
const REORDER_WINDOW_MS = 100;

export interface DeliveryChaos {
  /** Extra copies per event: 0..1 is the chance of one extra; above 1 (e.g. 1.5) is floor(n) extras plus one more with the fractional chance. */
  duplicate?: number;
  reorder?: boolean;
  rng?: () => number;
}

export interface DelivererOptions {
  secret: string;
  urls: string[];
  enabled: boolean;
  delaysMs: number[];
  logger: EmulatorLogger;
  /** Deliveries in flight at once (default 8). */
  maxInFlight?: number;
}

interface Job {
  event: StripeObject;
  attempt: number;
}

/** The exact header Stripe sends: `t=<unix>,v1=<hex HMAC-SHA256 of "t.payload">`. */
export function signPayload(payload: string, secret: string, timestampSec: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: timestampSec });
}

export interface Deliverer {
  enqueue(event: StripeObject): void;
  setChaos(chaos: DeliveryChaos): void;
  pause(): void;
  resume(): void;
  /** Resolves once nothing is in flight or waiting for a retry (queued-while-paused jobs do not count). */
  flush(): Promise<void>;
  stop(): void;
  readonly active: boolean;
}

export function createDeliverer(opts: DelivererOptions): Deliverer {
  const ready: Job[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const controllers = new Set<AbortController>();
  const delivered = new Set<string>();
  let waiters: Array<() => void> = [];
  let inFlight = 0;
  let paused = false;
  let stopped = false;
  let nextUrl = 0;
  let chaos: Required<Pick<DeliveryChaos, 'duplicate' | 'reorder'>> & { rng: () => number } = { duplicate: 0, reorder: false, rng: Math.random };
  const active = opts.enabled && opts.urls.length > 0;

  const idle = () => inFlight === 0 && timers.size === 0 && (ready.length === 0 || paused || stopped);
  const settle = () => {
    if (!idle()) return;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
      settle();
    }, ms);
    timers.add(t);
  };

  const makeReady = (job: Job) => {
    if (stopped) return;
    if (chaos.reorder) later(Math.floor(chaos.rng() * REORDER_WINDOW_MS), () => push(job));
    else push(job);
  };

  const push = (job: Job) => {
    if (stopped) return;
    ready.push(job);
    pump();
  };

  const take = (): Job => {
    const i = chaos.reorder ? Math.floor(chaos.rng() * ready.length) : 0;
    return ready.splice(i, 1)[0]!;
  };

  const pump = () => {
    while (!paused && !stopped && inFlight < (opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT) && ready.length > 0) {
      const job = take();
      inFlight += 1;
      void send(job).finally(() => {
        inFlight -= 1;
        pump();
        settle();
      });
    }
  };

  const send = async (job: Job): Promise<void> => {
    const url = opts.urls[nextUrl++ % opts.urls.length]!;
    const { event } = job;
    const payload = JSON.stringify(event, null, 2);
    // A fresh timestamp per attempt, as Stripe re-signs each retry (receivers reject signatures older than 5 min).
    const signature = signPayload(payload, opts.secret, Math.floor(Date.now() / 1000));
    const controller = new AbortController();
    controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), ATTEMPT_TIMEOUT_MS);
    const log = { eventId: event.id, eventType: event.type, url, attempt: job.attempt };
    let failure: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          Accept: '*/*; q=0.5, application/xml',
          'Cache-Control': 'no-cache',
          'Stripe-Signature': signature,
        },
        body: payload,
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) failure = `HTTP ${res.status}`;
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    } finally {
      clearTimeout(timeout);
      controllers.delete(controller);
    }
    if (stopped) return;
    if (failure === null) {
      if (!delivered.has(event.id)) {
        delivered.add(event.id);
        event.pending_webhooks = Math.max(0, (event.pending_webhooks as number) - 1);
      }
      opts.logger.info(log, 'stripe emulator webhook delivered');
      return;
    }
    const delay = opts.delaysMs[job.attempt - 1];
    if (delay === undefined) {
      opts.logger.error({ ...log, failure }, 'stripe emulator webhook gave up');
      return;
    }
    opts.logger.warn({ ...log, failure, retryInMs: delay }, 'stripe emulator webhook failed, will retry');
    later(delay, () => push({ event, attempt: job.attempt + 1 }));
  };

  return {
    get active() {
      return active;
    },
    enqueue(event) {
      if (!active || stopped) return;
      makeReady({ event, attempt: 1 });
      let extra = chaos.duplicate;
      for (; extra > 1; extra -= 1) makeReady({ event, attempt: 1 });
      if (extra > 0 && chaos.rng() < extra) makeReady({ event, attempt: 1 });
    },
    setChaos(c) {
      chaos = { duplicate: c.duplicate ?? 0, reorder: c.reorder ?? false, rng: c.rng ?? Math.random };
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      pump();
      settle();
    },
    flush() {
      if (idle()) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      ready.length = 0;
      for (const c of controllers) c.abort();
      settle();
    },
  };
}
