// Staff's rules for offline gifts: record one (once per Idempotency-Key), void one (with a reason,
// once), import a deposit's CSV (dry run first; a bad row stops the whole file; a row imported
// before is skipped), list them and export them.
import { createHash } from 'node:crypto';
import { Conflict, NotFound, ValidationFailed } from '../errors.ts';
import { keysetPage, UUID_PATTERN } from '../listing.ts';
import { checkRows, giftProblems, readCsv } from './offline-gift-import.ts';
import type { OfflineGiftFilter, OfflineGiftRepository } from './offline-gift-repository.ts';
import type { RecordOfflineGift } from './offline-gift-schemas.ts';
import { offlineReference, type OfflineGift, type Staff } from './offline-gift.ts';

export interface ImportResult {
  dryRun: boolean;
  rows: number;
  imported: number[];
  alreadyImported: number[];
  totals: Array<{ campaign: string; currency: string; gifts: number; amount: number }>;
}

export function createOfflineGiftService(deps: { gifts: OfflineGiftRepository; clock?: () => Date }) {
  const now = deps.clock ?? (() => new Date());

  return {
    /**
     * Records one gift. With an entry key (`api:<Idempotency-Key>`, `dashboard:<form token>`), the
     * same request again answers the gift it made (replayed), and the same key with another
     * request is a conflict.
     */
    async record(input: RecordOfflineGift, staff: Staff, entryKey: string | null = null): Promise<{ gift: OfflineGift; replayed: boolean }> {
      const campaign = (await deps.gifts.campaignsBySlug([input.campaign])).get(input.campaign);
      if (!campaign) throw ValidationFailed.field('campaign', `No campaign '${input.campaign}'`);
      const problems = giftProblems(input, campaign, now());
      if (problems.length) throw new ValidationFailed(problems);
      const requestHash = createHash('sha256').update(JSON.stringify(Object.entries(input).sort(([a], [b]) => a.localeCompare(b)))).digest('hex');
      const replay = async () => {
        const earlier = entryKey ? (await deps.gifts.takenKeys([entryKey])).get(entryKey) : undefined;
        if (!earlier) return null;
        if (earlier.requestHash !== requestHash) throw new Conflict('This Idempotency-Key was used for another gift', 'idempotency_key_reused');
        return { gift: earlier, replayed: true };
      };
      const earlier = await replay();
      if (earlier) return earlier;
      const [gift] = await deps.gifts.insert([{
        campaignId: campaign.id, amount: input.amount, currency: campaign.currency, receivedOn: input.receivedOn, method: input.method,
        reference: input.reference, donorName: input.name, email: input.email, entryKey, requestHash,
      }], staff);
      if (gift) return { gift, replayed: false };
      // The same key was written by a request at the same moment.
      const raced = await replay();
      if (!raced) throw new Conflict('This gift was being recorded at the same moment: try again', 'idempotency_key_reused');
      return raced;
    },

    async void(id: string, reason: string, staff: Staff): Promise<OfflineGift> {
      if (!UUID_PATTERN.test(id)) throw new NotFound(`Offline gift '${id}'`);
      if (!reason.trim() || reason.length > 500) throw ValidationFailed.field('reason', 'say why the entry is wrong (at most 500 characters): it is kept with the gift');
      const result = await deps.gifts.void(id, staff, reason, now());
      if (!result) throw new NotFound(`Offline gift '${id}'`);
      if (!result.voidedNow) {
        const g = result.gift;
        throw new Conflict(`This gift was voided already by ${g.voidedBy} on ${g.voidedAt?.toISOString()}: ${g.voidReason}`, 'already_voided');
      }
      return result.gift;
    },

    /**
     * Reads and checks the whole file; any bad row refuses the file (every problem listed with its
     * line) and nothing is written. A dry run stops there and says what an import would do.
     */
    async import(csv: string, staff: Staff, options: { dryRun: boolean }): Promise<ImportResult> {
      const read = readCsv(csv);
      if (read.problems.length) throw new ValidationFailed(read.problems, 'The file cannot be imported: nothing was written');
      const slugs = [...new Set(read.rows.map((r) => (r.values.campaign ?? '').toLowerCase()).filter(Boolean))];
      const { accepted, problems } = checkRows(read.rows, await deps.gifts.campaignsBySlug(slugs), now());
      if (problems.length) {
        throw new ValidationFailed(problems, `${new Set(problems.map((p) => p.line)).size} row(s) cannot be imported: nothing was written`);
      }
      const taken = await deps.gifts.takenKeys(accepted.map((r) => r.entry.entryKey!));
      const fresh = accepted.filter((r) => !taken.has(r.entry.entryKey!));
      let written = fresh;
      if (!options.dryRun) {
        // A row another import wrote meanwhile is skipped by the insert: it is already imported.
        const created = new Set((await deps.gifts.insert(fresh.map((r) => r.entry), staff)).map((g) => g.entryKey));
        written = fresh.filter((r) => created.has(r.entry.entryKey));
      }
      const writtenLines = new Set(written.map((r) => r.line));
      return {
        dryRun: options.dryRun,
        rows: read.rows.length,
        imported: written.map((r) => r.line),
        alreadyImported: accepted.filter((r) => !writtenLines.has(r.line)).map((r) => r.line),
        totals: totalsOf(written.map((r) => ({ campaign: r.campaign.slug, currency: r.entry.currency, amount: r.entry.amount }))),
      };
    },

    find: async (id: string): Promise<OfflineGift> => {
      const gift = UUID_PATTERN.test(id) ? await deps.gifts.find(id) : null;
      if (!gift) throw new NotFound(`Offline gift '${id}'`);
      return gift;
    },

    list(query: { campaign?: string; limit: number; cursor?: string }) {
      return keysetPage({
        cursor: query.cursor,
        idPattern: UUID_PATTERN,
        limit: query.limit,
        fetch: (after, limit) => deps.gifts.page({ campaign: query.campaign }, after, limit),
        positionOf: (g) => ({ at: g.createdAt, id: g.id }),
        view: (g: OfflineGift) => g,
      });
    },

    forExport: (filter: OfflineGiftFilter) => deps.gifts.forExport(filter),
  };
}

function totalsOf(rows: Array<{ campaign: string; currency: string; amount: number }>): ImportResult['totals'] {
  const totals = new Map<string, ImportResult['totals'][number]>();
  for (const r of rows) {
    const t = totals.get(r.campaign) ?? { campaign: r.campaign, currency: r.currency, gifts: 0, amount: 0 };
    t.gifts += 1;
    t.amount += r.amount;
    totals.set(r.campaign, t);
  }
  return [...totals.values()];
}

/** The API's view of a gift. */
export function offlineGiftView(g: OfflineGift) {
  return {
    id: g.id, receiptReference: offlineReference(g.id), campaign: g.campaign, amount: g.amount, currency: g.currency,
    receivedOn: g.receivedOn, method: g.method, reference: g.reference, name: g.donorName, email: g.email,
    enteredBy: g.enteredBy, createdAt: g.createdAt.toISOString(), voided: g.voidedAt !== null,
    voidedAt: g.voidedAt?.toISOString() ?? null, voidedBy: g.voidedBy, voidReason: g.voidReason,
  };
}

export type OfflineGiftService = ReturnType<typeof createOfflineGiftService>;
