import { invalidParam, resourceMissing } from './errors.ts';
import { asParams, optInt, type Params } from './params.ts';
import type { StripeObject } from './store.ts';

/** Anything with an id can be listed; `created` filters only apply to objects that have it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Listable = { id: string; [key: string]: any };

export interface ListResponse<T extends Listable = StripeObject> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/** Stripe's range filter: `created=123` or `created[gte]=...&created[lt]=...`. */
export function rangeFilter(query: Params, key: string): ((value: number) => boolean) | null {
  const raw = query[key];
  if (raw === undefined || raw === '') return null;
  if (typeof raw === 'string') {
    const exact = optInt(query, key);
    return (v) => v === exact;
  }
  const r = asParams(raw, key);
  const bounds = {
    gt: optInt(r, 'gt', `${key}[gt]`),
    gte: optInt(r, 'gte', `${key}[gte]`),
    lt: optInt(r, 'lt', `${key}[lt]`),
    lte: optInt(r, 'lte', `${key}[lte]`),
  };
  for (const k of Object.keys(r)) {
    if (!['gt', 'gte', 'lt', 'lte'].includes(k)) throw invalidParam(`Received unknown parameter: ${key}[${k}]`, `${key}[${k}]`, 'parameter_unknown');
  }
  return (v) =>
    (bounds.gt === undefined || v > bounds.gt) &&
    (bounds.gte === undefined || v >= bounds.gte) &&
    (bounds.lt === undefined || v < bounds.lt) &&
    (bounds.lte === undefined || v <= bounds.lte);
}

/**
 * Pages a newest-first collection the way Stripe does: `starting_after` walks to older objects,
 * `ending_before` to newer ones (still returned newest first), `has_more` says whether more lie beyond.
 */
export function paginate<T extends Listable>(
  newestFirst: T[],
  query: Params,
  url: string,
  objectName: string,
  filter: (o: T) => boolean = () => true,
): ListResponse<T> {
  const limit = optInt(query, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalidParam('Invalid limit: must be between 1 and 100', 'limit');
  const created = rangeFilter(query, 'created');
  const items = newestFirst.filter((o) => filter(o) && (created === null || created(o.created)));
  const startingAfter = typeof query.starting_after === 'string' && query.starting_after !== '' ? query.starting_after : undefined;
  const endingBefore = typeof query.ending_before === 'string' && query.ending_before !== '' ? query.ending_before : undefined;
  if (startingAfter && endingBefore) {
    throw invalidParam('You may only specify one of these parameters: starting_after, ending_before.', 'ending_before', 'parameters_exclusive');
  }
  const cursorIndex = (id: string, param: string): number => {
    const i = items.findIndex((o) => o.id === id);
    if (i === -1 && !newestFirst.some((o) => o.id === id)) throw resourceMissing(objectName, id, param);
    return i;
  };
  let data: T[];
  let hasMore: boolean;
  if (endingBefore) {
    const i = cursorIndex(endingBefore, 'ending_before');
    const before = i === -1 ? [] : items.slice(0, i);
    data = before.slice(Math.max(0, before.length - limit));
    hasMore = before.length > limit;
  } else {
    const start = startingAfter ? cursorIndex(startingAfter, 'starting_after') + 1 : 0;
    const rest = startingAfter && start === 0 ? [] : items.slice(start);
    data = rest.slice(0, limit);
    hasMore = rest.length > limit;
  }
  return { object: 'list', data, has_more: hasMore, url };
}

export function newestFirst(map: Map<string, StripeObject>): StripeObject[] {
  return [...map.values()].reverse();
}
