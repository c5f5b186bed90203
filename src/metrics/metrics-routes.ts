// GET /metrics in Prometheus's text format. On the app's port it always sits behind the admin key
// (a scraper sends `Authorization: Bearer dk_live_...`); with METRICS_PORT set, a second server on
// that port also serves it without a key, for a scraper inside the private network.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router, type RequestHandler } from 'express';
import { errorHandler } from '../http/error-handler.ts';
import type { Metrics } from './metrics.ts';

export const METRICS_PATH = '/metrics';

function scrape(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.set({ 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' }).send(body);
  };
}

/** /metrics on the app's own port, behind `auth` (the admin key). */
export function metricsRoutes(metrics: Metrics, auth: RequestHandler): Router {
  const router = Router();
  router.get(METRICS_PATH, auth, scrape(metrics));
  return router;
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** The metrics alone on a port of their own, without a key: only what the private network reaches. */
export async function startMetricsServer(metrics: Metrics, port: number): Promise<MetricsServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get(METRICS_PATH, scrape(metrics));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `Only GET ${METRICS_PATH} is served on this port` } });
  });
  app.use(errorHandler);
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
