// Prometheus metrics. One registry per app, made by the composition root (main.ts) and passed in;
// tests make their own, so nothing is shared through a module-level registry. The rest of the code
// sees only the named hooks below, never prom-client itself.
//
// Every label value comes from the code, never from a request: routes are the patterns the app
// declares ('/api/campaigns/:slug/progress'), reasons are error codes, webhook types are the types
// the service handles (the inbox says 'other' for the rest). A caller cannot grow the number of series.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a pg.Pool says about itself (pg's own counters). */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max?: number };
}

/** Age in seconds of the oldest inbox event in each state; null when there is none. */
export interface WebhookBacklog {
  pending: number | null;
  failed: number | null;
}

export interface Metrics {
  /** The registry to scrape (`registry.metrics()`, `registry.contentType`). */
  readonly registry: Registry;
  httpRequest(labels: { method: string; route: string; status: number | string }, seconds: number): void;
  /** A Stripe event's outcome in the inbox (processed, ignored, deferred, duplicate, failed), or at the door (rejected, error). */
  webhookEvent(type: string, outcome: string, source?: string): void;
  pledgeCreated(frequency: string): void;
  pledgeRefused(reason: string): void;
  /** Call when an export starts; call what it returns when it ends (either way). */
  exportStarted(kind: string): () => void;
  /** Call when an event stream opens; call what it returns when it closes. */
  sseClientConnected(): () => void;
  /** Reports this pool's use at each scrape under `pool="name"`. */
  watchPool(name: string, pool: PoolStats): void;
  /** Read at each scrape (it asks the database); a failed read drops the series until the next one. */
  watchWebhookBacklog(read: () => Promise<WebhookBacklog>): void;
}

// Latency buckets for a JSON API answering in milliseconds, with room for Stripe calls and exports.
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status: _count is the number of requests. Status 499: the client went away first.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter({ name, help, labelNames, registers });
  const webhookEvents = counter(
    'webhook_events_total',
    'Stripe events by type, outcome (processed, ignored, deferred, duplicate, failed, error, rejected) and source',
    ['type', 'outcome', 'source'],
  );
  const pledgesCreated = counter('pledges_created_total', 'New pledges sent to Stripe Checkout, by frequency', ['frequency']);
  const pledgesRefused = counter(
    'pledges_refused_total',
    'Donation attempts refused, by reason (the error code answered, or honeypot)',
    ['reason'],
  );
  const exportsRunning = new Gauge({
    name: 'exports_running',
    help: 'CSV exports streaming now, by kind',
    labelNames: ['kind'] as const,
    registers,
  });
  const sseClients = new Gauge({ name: 'sse_clients', help: 'Open progress event streams (Server-Sent Events)', registers });

  const pools = new Map<string, PoolStats>();
  const poolGauge = (name: string, help: string, read: (p: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'] as const,
      registers,
      collect() {
        for (const [pool, stats] of pools) this.set({ pool }, read(stats));
      },
    });
  poolGauge('db_pool_connections_in_use', 'Database connections checked out of the pool', (p) => p.totalCount - p.idleCount);
  poolGauge('db_pool_connections_idle', 'Open database connections waiting in the pool', (p) => p.idleCount);
  poolGauge('db_pool_waiting_requests', 'Queries waiting for a free connection', (p) => p.waitingCount);
  poolGauge('db_pool_connections_max', 'The most connections the pool opens', (p) => p.options.max ?? 10);

  let readBacklog: (() => Promise<WebhookBacklog>) | undefined;
  new Gauge({
    name: 'webhook_event_oldest_age_seconds',
    help: 'Age of the oldest Stripe event still pending (received or deferred) or failed in the inbox; 0 when there is none',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      if (!readBacklog) return;
      try {
        const backlog = await readBacklog();
        this.set({ status: 'pending' }, backlog.pending ?? 0);
        this.set({ status: 'failed' }, backlog.failed ?? 0);
      } catch {
        // The database did not answer (the pool gives up connecting after 5 s, within a scrape's
        // timeout): no value rather than a stale or made-up one; alert on absent().
        this.reset();
      }
    },
  });

  const startStop = (inc: () => void, dec: () => void) => {
    inc();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      dec();
    };
  };

  return {
    registry,
    httpRequest({ method, route, status }, seconds) {
      requestDuration.observe({ method, route, status: String(status) }, seconds);
    },
    webhookEvent(type, outcome, source = 'webhook') {
      webhookEvents.inc({ type, outcome, source });
    },
    pledgeCreated(frequency) {
      pledgesCreated.inc({ frequency });
    },
    pledgeRefused(reason) {
      pledgesRefused.inc({ reason });
    },
    exportStarted(kind) {
      return startStop(() => exportsRunning.inc({ kind }), () => exportsRunning.dec({ kind }));
    },
    sseClientConnected() {
      return startStop(() => sseClients.inc(), () => sseClients.dec());
    },
    watchPool(name, pool) {
      pools.set(name, pool);
    },
    watchWebhookBacklog(read) {
      readBacklog = read;
    },
  };
}
