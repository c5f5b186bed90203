// Staff's campaign rules: the cross-field checks a single-field schema cannot make (window order,
// presets against the currency's Stripe minimum), on the merged result for a partial update.
import { Conflict, NotFound, ValidationFailed, type ErrorDetail } from '../errors.ts';
import type { Campaign, CampaignPage } from './campaign.ts';
import { DuplicateSlugError, type CampaignRepository, type NewCampaign as CampaignWrite } from './campaign-repository.ts';
import { presetProblems, resolveMoment, type CreateCampaignRequest, type UpdateCampaignRequest } from './campaign-schemas.ts';
import { toCampaignView, type CampaignView } from './campaign-service.ts';

const PAGE_FIELDS = [
  'imageUrl', 'imageAlt', 'story', 'presetImpacts', 'monthlyPresetAmounts', 'monthlyPresetImpacts', 'suggestMonthly',
] as const satisfies ReadonlyArray<keyof CampaignPage>;

export function createCampaignManagementService(deps: { campaigns: CampaignRepository; clock?: () => Date }) {
  const now = deps.clock ?? (() => new Date());

  function check(c: CampaignWrite): void {
    const details: ErrorDetail[] = [];
    if (!(c.endsAt.getTime() > c.startsAt.getTime())) details.push({ field: 'endsAt', message: 'must be after startsAt' });
    const presets = presetProblems(c.presetAmounts, c.currency);
    if (presets) details.push({ field: 'presetAmounts', message: presets });
    const monthly = presetProblems(c.monthlyPresetAmounts ?? [], c.currency);
    if (monthly) details.push({ field: 'monthlyPresetAmounts', message: monthly });
    // An impact line belongs to the preset in the same place: one without its preset means nothing.
    if ((c.presetImpacts ?? []).length > c.presetAmounts.length) details.push({ field: 'presetImpacts', message: 'must not have more lines than presetAmounts' });
    if ((c.monthlyPresetImpacts ?? []).length > (c.monthlyPresetAmounts ?? []).length) {
      details.push({ field: 'monthlyPresetImpacts', message: 'must not have more lines than monthlyPresetAmounts' });
    }
    if (c.imageUrl && !c.imageAlt?.trim()) details.push({ field: 'imageAlt', message: 'describe the image for people who cannot see it' });
    if (details.length) throw new ValidationFailed(details);
  }

  /** The page content a request names; left out, the database's defaults apply. */
  const pageContent = (r: Partial<CampaignPage>): Partial<CampaignPage> =>
    Object.fromEntries(PAGE_FIELDS.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));

  return {
    async create(request: CreateCampaignRequest): Promise<CampaignView> {
      const campaign: CampaignWrite = {
        slug: request.slug,
        title: request.title,
        description: request.description,
        goal: request.goal,
        currency: request.currency,
        timezone: request.timezone,
        startsAt: resolveMoment(request.startsAt, request.timezone, 'start'),
        endsAt: resolveMoment(request.endsAt, request.timezone, 'end'),
        presetAmounts: request.presetAmounts,
        ...pageContent(request),
      };
      check(campaign);
      try {
        return toCampaignView(await deps.campaigns.create(campaign), now());
      } catch (error) {
        if (error instanceof DuplicateSlugError) throw new Conflict(`A campaign with slug '${request.slug}' already exists`);
        throw error;
      }
    },

    async update(slug: string, request: UpdateCampaignRequest): Promise<CampaignView> {
      const current: Campaign | null = await deps.campaigns.findBySlug(slug);
      if (!current) throw new NotFound(`Campaign '${slug}'`);
      const timezone = request.timezone ?? current.timezone;
      const changes: Partial<CampaignWrite> = {
        ...(request.title !== undefined ? { title: request.title } : {}),
        ...(request.description !== undefined ? { description: request.description } : {}),
        ...(request.goal !== undefined ? { goal: request.goal } : {}),
        ...(request.currency !== undefined ? { currency: request.currency } : {}),
        ...(request.timezone !== undefined ? { timezone } : {}),
        ...(request.startsAt !== undefined ? { startsAt: resolveMoment(request.startsAt, timezone, 'start') } : {}),
        ...(request.endsAt !== undefined ? { endsAt: resolveMoment(request.endsAt, timezone, 'end') } : {}),
        ...(request.presetAmounts !== undefined ? { presetAmounts: request.presetAmounts } : {}),
        ...pageContent(request),
      };
      // Pledges and payments are in the campaign's currency: switching it under them would mix
      // currencies in one total.
      if (changes.currency && changes.currency !== current.currency && (await deps.campaigns.hasPledges(current.id))) {
        throw new Conflict(`Campaign '${slug}' already has pledges in ${current.currency}; its currency cannot change`);
      }
      check({ ...current, ...changes });
      return toCampaignView(await deps.campaigns.update(current.id, changes), now());
    },
  };
}

export type CampaignManagementService = ReturnType<typeof createCampaignManagementService>;
