// Waking a deferred event used to take that event's subject locks after the waking event's own,
// outside the sorted order: event P (subject a) woke X (subjects a, z) while event Q (subject z)
// woke Y (subjects z, a), so one transaction held a and waited for z, the other held z and waited
// for a, and PostgreSQL broke the cycle with "deadlock detected" (seen in the chaos run as 5xx
// and Stripe retries). Now a transaction only ever waits for locks before it writes, in one sorted
// order; a lock it needs later is only tried, and when another transaction holds it, it starts
// again with that subject locked from the start. Real PostgreSQL; the handlers are the test's
// own, so the two transactions are made to meet at the worst moment every time.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import type { LedgerOutcome } from '../../../src/payments/payment-service.ts';
import { createLedgerGateway } from '../../../src/stripe/stripe-ledger-gateway.ts';
import type { EventHandler, HandlerMap } from '../../../src/webhooks/event-handler.ts';
import { createInboxStore } from '../../../src/webhooks/inbox-transaction.ts';
import { createWebhookInbox } from '../../../src/webhooks/webhook-inbox.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

type Obj = { id: string; object: 'charge'; metadata: { subjects: string; wait?: string; meet?: string } };

/** Resolves once `parties` callers have arrived: both transactions hold their first lock then. */
function meeting(parties: number) {
  let arrived = 0;
  let open!: () => void;
  const all = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived >= parties) open();
    return all;
  };
}

function harness() {
  const deferredOnce = new Set<string>();
  const applied: string[] = [];
  const meet = meeting(2);
  // An event with `wait` is deferred on its first application and applies when woken; one with
  // `meet` waits inside its transaction (its locks held) until the other has come as far.
  const handler: EventHandler<Obj> = {
    subjects: (o) => o.metadata.subjects.split(','),
    async apply(o): Promise<LedgerOutcome> {
      if (o.metadata.wait && !deferredOnce.has(o.id)) {
        deferredOnce.add(o.id);
        return { status: 'deferred', waitingFor: o.metadata.wait };
      }
      if (o.metadata.meet) await meet();
      applied.push(o.id);
      return { status: 'processed' };
    },
  };
  const logger = createLogger('silent');
  const inbox = createWebhookInbox({
    store: createInboxStore(db),
    // Never called: these handlers read nothing from Stripe.
    gateway: createLedgerGateway(new Stripe('sk_test_unused')),
    logger,
    scope: { livemode: false },
    handlers: { 'charge.updated': handler } as unknown as HandlerMap,
  });
  return { inbox, applied };
}

let n = 0;
function event(metadata: Obj['metadata']): Stripe.Event {
  const id = `${process.pid}_${++n}`;
  return {
    id: `evt_lock_${id}`, object: 'event', type: 'charge.updated', created: 1_700_000_000 + n, livemode: false,
    api_version: '2026-10-28.endive', pending_webhooks: 0, request: null,
    data: { object: { id: `ch_lock_${id}`, object: 'charge', metadata } },
  } as unknown as Stripe.Event;
}

const objectId = (e: Stripe.Event) => (e.data.object as { id: string }).id;

async function statuses(ids: string[]) {
  const { rows } = await db.pool.query<{ id: string; status: string }>('SELECT id, status::text FROM webhook_events WHERE id = ANY($1)', [ids]);
  return Object.fromEntries(rows.map((r) => [r.id, r.status]));
}

describe('waking deferred events takes locks in one order', () => {
  it('two events waking events about each other\'s subjects both commit, no deadlock', async () => {
    const { inbox, applied } = harness();
    const a = `t:${n}:a`;
    const z = `t:${n}:z`;
    // X waits for a and is also about z; Y waits for z and is also about a.
    const x = event({ subjects: `${a},${z}`, wait: a });
    const y = event({ subjects: `${z},${a}`, wait: z });
    expect((await inbox.receive(x)).status).toBe('deferred');
    expect((await inbox.receive(y)).status).toBe('deferred');

    // P is about a, Q about z: each holds its lock, meets the other, then wakes X or Y.
    const p = event({ subjects: a, meet: 'yes' });
    const q = event({ subjects: z, meet: 'yes' });
    const results = await Promise.allSettled([inbox.receive(p), inbox.receive(q)]);

    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.status : String(r.reason)))).toEqual(['processed', 'processed']);
    expect(await statuses([x.id, y.id, p.id, q.id])).toEqual({ [x.id]: 'processed', [y.id]: 'processed', [p.id]: 'processed', [q.id]: 'processed' });
    // Each woken event applied once in what committed (a retried attempt's work was rolled back).
    const committed = applied.filter((id) => id === objectId(x) || id === objectId(y));
    expect(new Set(committed).size).toBe(2);
  });

  it('a woken event whose other subject is free is applied in the same transaction, without starting again', async () => {
    const { inbox, applied } = harness();
    const a = `t:${n}:a`;
    const x = event({ subjects: `${a},t:${n}:b`, wait: a });
    expect((await inbox.receive(x)).status).toBe('deferred');
    const p = event({ subjects: a });
    expect((await inbox.receive(p)).status).toBe('processed');
    expect(applied.filter((id) => id === objectId(x) || id === objectId(p))).toHaveLength(2);
    expect(await statuses([x.id])).toEqual({ [x.id]: 'processed' });
  });
});
