// A deposit's CSV, read and checked row by row before anything is written: every bad row is
// reported with its line number and reason, so staff fix the file once rather than row after row.
// Pure: the service looks up the campaigns the file names and writes what this accepts.
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { ErrorDetail } from '../errors.ts';
import { decimalsOf, parseMajorAmount } from '../money/currency.ts';
import { email, text } from '../pledges/pledge-schemas.ts';
import type { OfflineGiftEntry } from './offline-gift.ts';
import { MAX_OFFLINE_AMOUNT, offlineMethod, receivedOn } from './offline-gift-schemas.ts';

/** At most this many rows a file (a deposit is tens of checks; a year's is a few files). */
export const MAX_IMPORT_ROWS = 2000;
/** ...and this many bytes: the API's and the dashboard's body limit for an import. */
export const MAX_IMPORT_BYTES = 256 * 1024;

type Column = 'receivedOn' | 'amount' | 'currency' | 'method' | 'reference' | 'name' | 'email' | 'campaign';

// Header names as people write them, lower-cased with spaces and dashes as underscores.
const HEADERS: Record<string, Column> = {
  date: 'receivedOn', received_on: 'receivedOn', date_received: 'receivedOn',
  amount: 'amount', currency: 'currency', method: 'method',
  reference: 'reference', check_number: 'reference', check_no: 'reference',
  name: 'name', donor_name: 'name', donor: 'name', email: 'email', donor_email: 'email', campaign: 'campaign',
};
const REQUIRED: Column[] = ['receivedOn', 'amount', 'method', 'campaign'];
const COLUMN_NAMES: Record<Column, string> = {
  receivedOn: 'date', amount: 'amount', currency: 'currency', method: 'method', reference: 'reference', name: 'name', email: 'email', campaign: 'campaign',
};

export interface RawRow {
  line: number;
  values: Partial<Record<Column, string>>;
}

export interface CampaignForGift {
  id: string;
  slug: string;
  currency: string;
  timezone: string;
}

export interface DepositRow {
  line: number;
  campaign: CampaignForGift;
  entry: OfflineGiftEntry;
}

/** The file's rows with their line numbers, or the problems that stop it being read at all. */
export function readCsv(csv: string): { rows: RawRow[]; problems: ErrorDetail[] } {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // csv-parse types the rows without their info; with `info: true` each is { record, info }.
    records = parse(csv, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return { rows: [], problems: [{ field: 'file', ...(line ? { line } : {}), message: `Not a CSV file: ${(error as Error).message}` }] };
  }
  const [header, ...data] = records;
  if (!header) return { rows: [], problems: [{ field: 'file', message: 'The file is empty: it needs a header line and one row per gift' }] };
  const columns = header.record.map((name) => HEADERS[name.toLowerCase().replace(/[\s-]+/g, '_')]);
  const problems: ErrorDetail[] = [];
  header.record.forEach((name, i) => {
    if (!columns[i]) problems.push({ field: 'file', line: 1, message: `Unknown column '${name.slice(0, 40)}' (columns: ${Object.values(COLUMN_NAMES).join(', ')})` });
  });
  // Two columns read as one (amount twice, or email beside donor_email): which one is the gift is a guess.
  for (const [i, column] of columns.entries()) {
    if (column && columns.indexOf(column) < i) {
      problems.push({ field: 'file', line: 1, message: `The header has the '${COLUMN_NAMES[column]}' column twice ('${header.record[i]!.slice(0, 40)}'): keep one` });
    }
  }
  for (const column of REQUIRED) {
    if (!columns.includes(column)) problems.push({ field: 'file', line: 1, message: `The header has no '${COLUMN_NAMES[column]}' column` });
  }
  if (data.length === 0) problems.push({ field: 'file', message: 'The file has no rows after its header' });
  if (data.length > MAX_IMPORT_ROWS) problems.push({ field: 'file', message: `At most ${MAX_IMPORT_ROWS} rows a file (this one has ${data.length}): split it` });
  if (problems.length) return { rows: [], problems };
  const rows: RawRow[] = [];
  for (const { record, info } of data) {
    if (record.length !== columns.length) {
      problems.push({ field: 'row', line: info.lines, message: `Has ${record.length} cells, the header has ${columns.length}` });
      continue;
    }
    const values: RawRow['values'] = {};
    columns.forEach((column, i) => (values[column!] = record[i]));
    rows.push({ line: info.lines, values });
  }
  return { rows, problems };
}

/** Today's date where the campaign is (a gift cannot have been received later than that). */
export function todayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A gift's rules that need its campaign: the currency is the campaign's, the day is not to come. */
export function giftProblems(g: { currency?: string; receivedOn: string }, campaign: CampaignForGift, now: Date): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (g.currency !== undefined && g.currency !== campaign.currency) {
    problems.push({ field: 'currency', message: `must be the campaign's currency (${campaign.currency.toUpperCase()})` });
  }
  const today = todayIn(campaign.timezone, now);
  if (g.receivedOn > today) problems.push({ field: 'receivedOn', message: `must not be in the future (today is ${today} in ${campaign.timezone})` });
  return problems;
}

const nameCell = text(100);
const referenceCell = text(100);

function cell<T>(schema: z.ZodType<T>, value: string, field: string, problems: ErrorDetail[], line: number): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  problems.push({ field, line, message: result.error.issues[0]?.message ?? 'is not valid' });
  return undefined;
}

/**
 * Every row checked against its campaign, each problem with its line and column; a row that
 * passes becomes an entry whose key (`csv:` and a hash of what it says, and which copy of an
 * identical row it is) is the same every time the same file is read: importing it twice adds nothing.
 */
export function checkRows(rows: RawRow[], campaigns: Map<string, CampaignForGift>, now: Date): { accepted: DepositRow[]; problems: ErrorDetail[] } {
  const accepted: DepositRow[] = [];
  const problems: ErrorDetail[] = [];
  const copies = new Map<string, number>();
  for (const { line, values: v } of rows) {
    const rowProblems: ErrorDetail[] = [];
    const campaign = campaigns.get((v.campaign ?? '').toLowerCase());
    if (!campaign) rowProblems.push({ field: 'campaign', line, message: v.campaign ? `No campaign '${v.campaign.slice(0, 64)}'` : 'is required' });
    const method = cell(offlineMethod, (v.method ?? '').toLowerCase().replace(/[\s-]+/g, '_'), 'method', rowProblems, line);
    const day = cell(receivedOn, v.receivedOn ?? '', 'date', rowProblems, line);
    const name = cell(nameCell, v.name ?? '', 'name', rowProblems, line);
    const reference = cell(referenceCell, v.reference ?? '', 'reference', rowProblems, line);
    const address = v.email ? cell(email, v.email, 'email', rowProblems, line) : '';
    const currency = v.currency ? v.currency.toLowerCase() : undefined;
    let amount: number | null = null;
    if (campaign) {
      amount = parseMajorAmount(v.amount ?? '', campaign.currency);
      if (amount === null) {
        const example = decimalsOf(campaign.currency) ? `25.${'0'.repeat(decimalsOf(campaign.currency))}` : '2500';
        rowProblems.push({ field: 'amount', line, message: `'${(v.amount ?? '').slice(0, 20)}' is not an amount in ${campaign.currency.toUpperCase()} (write it like ${example})` });
      } else if (amount < 1 || amount > MAX_OFFLINE_AMOUNT) {
        rowProblems.push({ field: 'amount', line, message: amount < 1 ? 'must be more than 0' : 'is larger than any offline gift may be' });
      }
      if (day !== undefined) {
        for (const p of giftProblems({ currency, receivedOn: day }, campaign, now)) {
          rowProblems.push({ ...p, field: p.field === 'receivedOn' ? 'date' : p.field, line });
        }
      }
    }
    if (rowProblems.length || !campaign || amount === null || !method || !day || name === undefined || reference === undefined || address === undefined) {
      problems.push(...rowProblems);
      continue;
    }
    const entry = {
      campaignId: campaign.id, amount, currency: campaign.currency, receivedOn: day, method,
      reference: reference || null, donorName: name || null, email: address || null,
    };
    const content = JSON.stringify([entry.campaignId, entry.method, entry.reference, entry.amount, entry.receivedOn, entry.donorName, entry.email?.toLowerCase()]);
    const copy = (copies.get(content) ?? 0) + 1;
    copies.set(content, copy);
    const entryKey = `csv:${createHash('sha256').update(`${content}#${copy}`).digest('hex')}`;
    accepted.push({ line, campaign, entry: { ...entry, entryKey, requestHash: null } });
  }
  return { accepted, problems };
}
