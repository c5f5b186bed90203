// The envelope of a verified event (id, type, created, livemode, api_version, nesting), checked in
// JavaScript before any of it reaches the database. Stripe never sends a bad one, but whoever holds
// the signing secret can, and a value PostgreSQL refuses (to_timestamp of "abc" or 1e20, a type
// longer than its column, a payload nested 5,000 deep) would otherwise fail the claim and then the
// failure record itself: a 500 on every retry, for three days. Here such an event is failed for
// good with the reason, and the values written to the inbox's columns are always ones it takes.
import type Stripe from 'stripe';

/** Stripe objects nest a few levels (an invoice's lines' periods); nothing real comes near this. */
export const MAX_EVENT_DEPTH = 64;
// PostgreSQL's timestamptz reaches far beyond this; Stripe's `created` is Unix seconds of now.
const LATEST_UNIX_SECONDS = 253_402_300_799; // 9999-12-31T23:59:59Z
const TYPE_MAX = 100;
const API_VERSION_MAX = 64;
const OBJECT_ID_MAX = 255;

/** What the inbox's columns receive for an event: always values the columns accept. */
export interface EnvelopeColumns {
  id: string;
  type: string;
  apiVersion: string | null;
  livemode: boolean;
  objectId: string | null;
  /** Stripe's `created`; the time of receipt when the event's own is unusable (the event is failed). */
  createdAt: Date;
  /** The payload as JSON, or a stub naming what was left out when the event itself cannot be kept. */
  payload: string;
}

type Envelope = Record<string, unknown>;

const fields = (event: Stripe.Event) => event as unknown as Envelope;

/** The string if it is printable ASCII of at most `max` characters (what ids and types are), else null. */
function printable(value: unknown, max: number): string | null {
  return typeof value === 'string' && value.length <= max && /^[\x20-\x7E]*$/.test(value) ? value : null;
}

function createdAt(created: unknown): Date | null {
  if (typeof created !== 'number' || !Number.isInteger(created) || created < 0 || created > LATEST_UNIX_SECONDS) return null;
  return new Date(created * 1000);
}

/** Deepest nesting of objects and arrays, without recursion (so a deep payload cannot overflow the stack). */
export function depthOf(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Why this event can never apply, or null when its envelope is sound. */
export function envelopeProblem(event: Stripe.Event): string | null {
  const e = fields(event);
  if (createdAt(e.created) === null) return `created (${String(JSON.stringify(e.created)).slice(0, 40)}) is not a Unix time`;
  if (printable(e.type, TYPE_MAX) === null) return 'type is not an event type';
  if (e.api_version !== undefined && e.api_version !== null && printable(e.api_version, API_VERSION_MAX) === null) {
    return 'api_version is not an API version';
  }
  if (e.livemode !== undefined && typeof e.livemode !== 'boolean') return 'livemode is not true or false';
  if (depthOf(e, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH) return `nested deeper than ${MAX_EVENT_DEPTH} levels`;
  return null;
}

/**
 * The columns for an event. With `stub`, or when the payload is too deep to keep, the payload is
 * reduced to the envelope: enough to see what arrived, nothing PostgreSQL could refuse.
 */
export function envelopeColumns(event: Stripe.Event, options: { receivedAt?: Date; stub?: string } = {}): EnvelopeColumns {
  const e = fields(event);
  const object = (e.data as { object?: { id?: unknown } } | undefined)?.object;
  const objectId = printable(object?.id, OBJECT_ID_MAX);
  const type = String(e.type).replace(/[^\x20-\x7E]/g, '?').slice(0, TYPE_MAX);
  const created = createdAt(e.created);
  const omitted = options.stub ?? (depthOf(e, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH ? `nested deeper than ${MAX_EVENT_DEPTH} levels` : null);
  return {
    id: String(e.id), // the route admits only printable ids of at most 255 characters
    type,
    apiVersion: printable(e.api_version, API_VERSION_MAX),
    livemode: e.livemode === true,
    objectId,
    createdAt: created ?? options.receivedAt ?? new Date(),
    payload: omitted === null
      ? JSON.stringify(event)
      : JSON.stringify({
        id: String(e.id), object: 'event', type, created: created ? e.created : null, livemode: e.livemode === true,
        data: { object: objectId ? { id: objectId } : {} }, payload_omitted: omitted,
      }),
  };
}
