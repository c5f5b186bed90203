// GET /api/admin/pledges: HTTP only.
import { Router } from 'express';
import { parseOrThrow } from '../http/validation.ts';
import type { PledgeListService } from './pledge-list-service.ts';
import { pledgeListQuery } from './pledge-schemas.ts';

export function pledgeListRoutes(deps: { pledges: PledgeListService }): Router {
  const router = Router();
  router.get('/pledges', async (req, res) => {
    res.json(await deps.pledges.list(parseOrThrow(pledgeListQuery, req.query)));
  });
  return router;
}
