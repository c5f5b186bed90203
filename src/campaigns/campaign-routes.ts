// Public campaign API: HTTP only, rules live in the service.
import { Router } from 'express';
import { z } from 'zod';
import { parseOrThrow } from '../http/validation.ts';
import { SLUG_PATTERN } from './campaign.ts';
import type { CampaignService } from './campaign-service.ts';

export const slugParams = z.object({
  slug: z.string().max(64).regex(SLUG_PATTERN, 'must be lowercase letters, digits and single hyphens'),
});

export function campaignRoutes(campaigns: CampaignService): Router {
  const router = Router();

  router.get('/api/campaigns', async (_req, res) => {
    res.json({ data: await campaigns.list() });
  });

  router.get('/api/campaigns/:slug', async (req, res) => {
    const { slug } = parseOrThrow(slugParams, req.params);
    res.json(await campaigns.view(slug));
  });

  router.get('/api/campaigns/:slug/progress', async (req, res) => {
    const { slug } = parseOrThrow(slugParams, req.params);
    res.json(await campaigns.progress(slug));
  });

  return router;
}
