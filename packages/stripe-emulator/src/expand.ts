import { invalidParam } from './errors.ts';
import { stringArray, type Params } from './params.ts';
import { collectionForId, type Store, type StripeObject } from './store.ts';

/** Fields that expand to something other than a stored object (e.g. a session's line items list). */
export type SpecialExpanders = Record<string, (obj: StripeObject) => unknown>;

function expandPath(store: Store, target: Record<string, unknown>, parts: string[], full: string, special: SpecialExpanders): void {
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (head === 'data' && Array.isArray(target.data)) {
    for (const item of target.data as Record<string, unknown>[]) expandPath(store, item, rest, full, special);
    return;
  }
  let value = target[head];
  const objectName = typeof target.object === 'string' ? target.object : '';
  const specialFn = special[`${objectName}.${head}`];
  if (specialFn) {
    value = specialFn(target as StripeObject);
    target[head] = value;
  } else if (typeof value === 'string') {
    const stored = collectionForId(store, value)?.get(value);
    if (!stored) throw invalidParam(`This property cannot be expanded (${full}).`, 'expand');
    value = structuredClone(stored);
    target[head] = value;
  } else if (value === undefined) {
    throw invalidParam(`This property cannot be expanded (${full}).`, 'expand');
  }
  if (value !== null && typeof value === 'object' && rest.length > 0) {
    expandPath(store, value as Record<string, unknown>, rest, full, special);
  }
}

/** Returns a copy of `obj` with the request's `expand[]` paths replaced by the objects they name. */
export function expandResponse<T extends object>(store: Store, obj: T, query: Params, special: SpecialExpanders = {}): T {
  const paths = stringArray(query.expand, 'expand');
  const copy = structuredClone(obj);
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.length > 4) throw invalidParam(`You cannot expand more than 4 levels of a property (${path}).`, 'expand');
    expandPath(store, copy as Record<string, unknown>, parts, path, special);
  }
  return copy;
}
