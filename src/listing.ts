// Lists and exports for staff, shared by every domain that pages its rows: keyset pages on
// (time, id) with opaque cursors, page sizes and time windows. Keyset, so page 1000 costs what
// page 1 costs and a row written while paging is never shown twice or skipped. Cursors are base64url
// JSON of the last row's sort key, opaque so clients never build them (and the key can change
// without breaking anyone who follows nextCursor).
import { z } from 'zod';
import { ValidationFailed } from './errors.ts';

export interface Position {
  at: Date;
  id: string;
}

export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.at.toISOString(), p.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, idPattern: RegExp = /^.{1,255}$/): Position | null {
  if (!cursor) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      const at = new Date(value[0]);
      if (!Number.isNaN(at.getTime()) && idPattern.test(value[1])) return { at, id: value[1] };
    }
  } catch {
    // fall through: any undecodable cursor is the client's mistake
  }
  throw new ValidationFailed([{ field: 'cursor', message: 'is not a cursor from this API' }]);
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * One page of a keyset listing, newest first: `fetch` reads up to `limit` rows after `position`
 * (the last row of the previous page); one more than asked tells whether another page exists
 * without a count.
 */
export async function keysetPage<Row extends { id: string }, View>(options: {
  cursor: string | undefined;
  idPattern: RegExp;
  limit: number;
  fetch: (after: Position | null, limit: number) => Promise<Row[]>;
  positionOf: (row: Row) => Position;
  view: (row: Row) => View;
}): Promise<Page<View>> {
  const rows = await options.fetch(decodeCursor(options.cursor, options.idPattern), options.limit + 1);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    data: page.map(options.view),
    nextCursor: rows.length > options.limit && last ? encodeCursor(options.positionOf(last)) : null,
  };
}

/**
 * The rows after `after` in a (time desc, id desc) order, as a Prisma where clause: older, or as
 * old with a smaller id. Both of a listing's repositories page with it.
 */
export function olderThan<K extends string>(timeField: K, after: Position) {
  return { OR: [{ [timeField]: { lt: after.at } }, { [timeField]: after.at, id: { lt: after.id } }] } as {
    OR: [Record<K, { lt: Date }>, Record<K, Date> & { id: { lt: string } }];
  };
}

/** The where, order and size of one keyset page, newest first, for a repository's findMany. */
export function keysetQuery<K extends string, W extends object>(timeField: K, where: W, after: Position | null, limit: number) {
  return {
    where: after ? { AND: [where, olderThan(timeField, after)] } : where,
    orderBy: [{ [timeField]: 'desc' } as Record<K, 'desc'>, { id: 'desc' as const }],
    take: limit,
  };
}

/** The one UUID shape (pledge ids, payment ids), for cursors and for ids a client sends. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---- query pieces shared by the admin lists and exports ---------------------------------------

/** An ISO 8601 instant with its offset, or a plain date (midnight UTC): for filters. */
export const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], 'must be an ISO 8601 date or date-time (2026-12-01 or 2026-12-01T00:00:00Z)')
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s));

export const pageLimit = z
  .coerce.number('must be a number').int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200');

export const cursorField = z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor from this API');

/** An optional [from, to) window of a list or an export. */
export const window = {
  from: instant.optional(),
  to: instant.optional(),
};

export const inOrder = (o: { from?: Date; to?: Date }) => !(o.from && o.to && o.from >= o.to);
export const orderMessage = { message: 'must be after from', path: ['to'] };
