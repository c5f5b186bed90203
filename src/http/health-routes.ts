// Liveness (the process answers) and readiness (the database answers): a load balancer stops
// sending donors to an instance that cannot record their gifts.
import { Router } from 'express';
import type pg from 'pg';

const READY_TIMEOUT_MS = 2_000;

export function healthRoutes(pool: pg.Pool): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (req, res) => {
    try {
      await withTimeout(pool.query('SELECT 1'), READY_TIMEOUT_MS);
      res.json({ status: 'ok', database: 'up' });
    } catch (error) {
      req.log.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ error: { code: 'service_unavailable', message: 'The database is unreachable' } });
    }
  });

  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
