// POST/PATCH /api/admin/campaigns: HTTP only; staff's rules live in campaign-management-service.ts.
import { Router } from 'express';
import { parseOrThrow } from '../http/validation.ts';
import type { CampaignManagementService } from './campaign-management-service.ts';
import { createCampaignSchema, slugParams, updateCampaignSchema } from './campaign-schemas.ts';

export function campaignAdminRoutes(deps: { campaigns: CampaignManagementService }): Router {
  const router = Router();

  router.post('/campaigns', async (req, res) => {
    const body = parseOrThrow(createCampaignSchema, req.body ?? {});
    res.status(201).json(await deps.campaigns.create(body));
  });

  router.patch('/campaigns/:slug', async (req, res) => {
    const { slug } = parseOrThrow(slugParams, req.params);
    const body = parseOrThrow(updateCampaignSchema, req.body ?? {});
    res.json(await deps.campaigns.update(slug, body));
  });

  return router;
}
