// Public campaign API: HTTP only, rules live in the service.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import fresh from 'fresh';
import type { StreamSlots } from '../http/stream-slots.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { slugParams } from './campaign-schemas.ts';
import type { CampaignService } from './campaign-service.ts';
import type { ProgressHub } from './progress-hub.ts';
import type { ProgressReader, ProgressSnapshot } from './progress-reader.ts';

const HEARTBEAT_MS = 15_000;
// Many payments in one burst make one update per subscriber, not one per payment.
const COALESCE_MS = 100;
// A reader this far behind is not reading (events are a few hundred bytes): end its stream rather
// than buffer for it; a real EventSource reconnects and resumes from its Last-Event-ID.
const MAX_UNSENT_BYTES = 64 * 1024;

export function campaignRoutes(deps: {
  campaigns: CampaignService;
  progress: ProgressReader;
  hub?: ProgressHub;
  streams: StreamSlots;
  metrics?: Pick<Metrics, 'sseClientConnected'>;
}): Router {
  const router = Router();

  router.get('/api/campaigns', async (_req, res) => {
    res.json({ data: await deps.campaigns.list() });
  });

  router.get('/api/campaigns/:slug', async (req, res) => {
    const { slug } = parseOrThrow(slugParams, req.params);
    res.json(await deps.campaigns.view(slug));
  });

  router.get(PROGRESS_ROUTE, async (req, res) => {
    const { slug } = parseOrThrow(slugParams, req.params);
    sendProgress(req, res, await deps.progress.get(slug));
  });

  router.get('/api/campaigns/:slug/progress/stream', async (req, res) => {
    const { slug } = parseOrThrow(slugParams, req.params);
    let last = await deps.progress.get(slug); // 404 before the stream starts, as JSON
    const release = deps.streams.acquire(req.ip); // 429/503 as JSON beyond the caps
    // The client may have gone while the first read waited: nothing to hold open for it.
    if (res.destroyed || req.socket.destroyed) return release();
    res.once('close', release);
    res.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // let proxies pass events through at once
      'Access-Control-Allow-Origin': '*',
    });
    res.flushHeaders();
    // Counted until the response closes; a client gone during the first read is closed already.
    const disconnected = deps.metrics?.sseClientConnected();
    if (disconnected && res.closed) disconnected();
    else if (disconnected) res.once('close', disconnected);
    res.write('retry: 3000\n\n');
    // A reconnecting client sends the id of the last event it saw: skip what it already has.
    if (req.get('Last-Event-ID') !== last.etag) send(res, last);

    let timer: NodeJS.Timeout | undefined;
    const refresh = () => {
      timer = undefined;
      deps.progress.get(slug).then(
        (snapshot) => {
          if (snapshot.etag === last.etag || res.writableEnded) return;
          last = snapshot;
          send(res, snapshot);
        },
        (error) => req.log.warn({ err: error }, 'progress refresh failed'),
      );
    };
    const unsubscribe = deps.hub?.subscribe((campaignId) => {
      if ((campaignId === '*' || campaignId === last.campaignId) && !timer) timer = setTimeout(refresh, COALESCE_MS);
    });
    // Without a hub (or while it reconnects), poll the cached reader instead.
    const poll = deps.hub ? undefined : setInterval(refresh, 1000);
    const heartbeat = setInterval(() => write(res, ': keep-alive\n\n'), HEARTBEAT_MS);
    res.once('close', () => {
      unsubscribe?.();
      clearTimeout(timer);
      clearInterval(poll);
      clearInterval(heartbeat);
    });
  });

  return router;
}

const PROGRESS_ROUTE = '/api/campaigns/:slug/progress';
const PROGRESS_PATH = /^\/api\/campaigns\/([a-z0-9-]+)\/progress(?:\?|$)/;
const PROGRESS_HEADERS = ['Cache-Control', 'public, max-age=2, must-revalidate', 'Access-Control-Allow-Origin', '*'];
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The answer, its headers given to writeHead as one flat list. Headers set one by one cost a
 * setHeader each (validated, lower-cased, stored, then read back): on the busiest read of the year's
 * end they took more of the process than the answer's own write (measured, BENCHMARKS.md).
 * `headers` may already hold some not yet on the response (the cached path's, which begins the
 * request itself); this answer's own are added to that same list.
 */
function sendProgress(req: Request, res: Response, snapshot: ProgressSnapshot, headers: string[] = []): void {
  headers.push(...PROGRESS_HEADERS, 'ETag', snapshot.etag);
  // Pollers revalidate cheaply: an unchanged total is a 304 with no body. Only If-None-Match can
  // make it fresh (there is no Last-Modified), so a poll without one skips the check.
  if (req.headers['if-none-match'] !== undefined && fresh(req.headers, { etag: snapshot.etag })) {
    return void res.writeHead(304, headers).end();
  }
  headers.push('Content-Type', JSON_TYPE, 'Content-Length', String(snapshot.bytes));
  res.writeHead(200, headers).end(snapshot.body);
}

export interface RequestStart {
  /** Begins the request as the app's first middleware does (id, log line, metrics under `route`); gives its id. */
  begin(req: Request, res: Response, route: string): string;
  /** What every response carries (the security headers), in order. */
  headers: ReadonlyArray<readonly [string, string]>;
}

/**
 * GET /api/campaigns/:slug/progress answered straight from the cache when it holds that campaign
 * (a slug is only cached once the route above has validated and found it): the same answer, in
 * front of every other middleware, which it does the work of itself: it begins the request (id,
 * log, metrics) and writes the security headers with its own, in one list.
 */
export function cachedProgress(progress: ProgressReader, start: RequestStart): RequestHandler {
  const everyResponse = start.headers.flat();
  return (req, res, next) => {
    if (req.method !== 'GET') return next();
    const slug = PROGRESS_PATH.exec(req.url)?.[1];
    const snapshot = slug === undefined ? undefined : progress.peek(slug);
    if (!snapshot) return next();
    const id = start.begin(req, res, PROGRESS_ROUTE);
    sendProgress(req, res, snapshot, ['X-Request-Id', id, ...everyResponse]);
  };
}

function send(res: Response, snapshot: ProgressSnapshot): void {
  write(res, `id: ${snapshot.etag}\nevent: progress\ndata: ${snapshot.body}\n\n`);
}

function write(res: Response, text: string): void {
  if (res.destroyed) return;
  if (res.writableLength > MAX_UNSENT_BYTES) return void res.destroy();
  res.write(text);
}
