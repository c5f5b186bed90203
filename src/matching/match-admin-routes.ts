// /api/admin match pools: HTTP only; staff's rules live in match-pool-service.ts.
import { Router } from 'express';
import { slugParams } from '../campaigns/campaign-schemas.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { MatchPoolService } from './match-pool-service.ts';
import { createPoolSchema, poolParams, updatePoolSchema } from './match-schemas.ts';

export function matchAdminRoutes(deps: { matchPools: MatchPoolService }): Router {
  const router = Router();
  const pools = deps.matchPools;

  router.get('/campaigns/:slug/match-pools', async (req, res) => {
    const { slug } = parseOrThrow(slugParams, req.params);
    res.json({ data: await pools.list(slug) });
  });

  router.post('/campaigns/:slug/match-pools', async (req, res) => {
    const { slug } = parseOrThrow(slugParams, req.params);
    const body = parseOrThrow(createPoolSchema, req.body ?? {});
    res.status(201).json(await pools.create(slug, body));
  });

  router.get('/match-pools/:id', async (req, res) => {
    const { id } = parseOrThrow(poolParams, req.params);
    res.json(await pools.get(id));
  });

  router.patch('/match-pools/:id', async (req, res) => {
    const { id } = parseOrThrow(poolParams, req.params);
    const body = parseOrThrow(updatePoolSchema, req.body ?? {});
    res.json(await pools.update(id, body));
  });

  router.post('/match-pools/:id/close', async (req, res) => {
    const { id } = parseOrThrow(poolParams, req.params);
    res.json(await pools.close(id));
  });

  return router;
}
