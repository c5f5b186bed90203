import type { Database } from '../db/client.ts';
import { createCampaignRepository } from './campaign-repository.ts';
import { seedCampaigns } from './campaign-seed.ts';

export function campaignSeedFor(db: Database, options: { demo?: boolean } = {}): Promise<boolean> {
  return seedCampaigns(createCampaignRepository(db), options);
}
