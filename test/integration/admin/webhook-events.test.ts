// The webhook inbox for staff: list (status filter, paging), replay a failed event through the real
// inbox, and an admin-triggered reconcile against the emulator.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, startEmulator } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { bearer, mintKey } from './admin-fixtures.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let app: ReturnType<typeof buildApp>;
let auth: Record<string, string>;

async function storeEvent(id: string, status: string, type: string, receivedAt: Date) {
  const payload = { id, object: 'event', type, api_version: '2026-10-28.endive', created: Math.floor(receivedAt.getTime() / 1000), livemode: false, data: { object: { id: 'obj_1', object: 'thing' } }, pending_webhooks: 0, request: { id: null, idempotency_key: null } };
  await db.pool.query(
    `INSERT INTO webhook_events (id, type, payload, status, attempts, last_error, stripe_created_at, received_at)
     VALUES ($1, $2, $3, $4::"WebhookEventStatus", 1, $5, $6, $6)`,
    [id, type, JSON.stringify(payload), status, status === 'failed' ? 'boom' : null, receivedAt],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  app = buildApp(db, { stripe: emulatorStripe(emulator), checkoutOrigin: emulator.url });
  auth = bearer((await mintKey(db)).key);
  await storeEvent('evt_failed_1', 'failed', 'some.unhandled_type', new Date('2026-12-01T10:00:00Z'));
  await storeEvent('evt_failed_2', 'failed', 'some.unhandled_type', new Date('2026-12-01T11:00:00Z'));
  await storeEvent('evt_failed_3', 'failed', 'other.type', new Date('2026-12-01T11:00:00Z'));
  await storeEvent('evt_ok', 'processed', 'checkout.session.completed', new Date('2026-12-01T12:00:00Z'));
});
afterAll(async () => {
  await emulator.stop();
  await db.drop();
});

describe('GET /api/admin/webhook-events', () => {
  it('lists failed events newest first, without payloads', async () => {
    const res = await request(app).get('/api/admin/webhook-events?status=failed').set(auth).expect(200);
    expect(res.body.data.map((e: { id: string }) => e.id)).toEqual(['evt_failed_3', 'evt_failed_2', 'evt_failed_1']);
    expect(res.body.data[0]).toMatchObject({ status: 'failed', attempts: 1, lastError: 'boom', type: 'other.type' });
    expect(res.body.data[0].payload).toBeUndefined();
    expect(res.body.nextCursor).toBeNull();
  });

  it('filters by type and pages', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(app).get(`/api/admin/webhook-events?limit=1${cursor ? `&cursor=${cursor}` : ''}`).set(auth).expect(200);
      all.push(...res.body.data.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all).toEqual(['evt_ok', 'evt_failed_3', 'evt_failed_2', 'evt_failed_1']);
    const typed = await request(app).get('/api/admin/webhook-events?type=other.type').set(auth).expect(200);
    expect(typed.body.data.map((e: { id: string }) => e.id)).toEqual(['evt_failed_3']);
    await request(app).get('/api/admin/webhook-events?status=broken').set(auth).expect(400);
  });
});

describe('POST /api/admin/webhook-events/:id/replay', () => {
  it('applies a failed event again through the inbox', async () => {
    const res = await request(app).post('/api/admin/webhook-events/evt_failed_1/replay').set(auth).expect(200);
    expect(res.body).toEqual({ id: 'evt_failed_1', result: expect.objectContaining({ status: 'ignored' }) });
    const row = await db.prisma.webhookEvent.findUniqueOrThrow({ where: { id: 'evt_failed_1' } });
    expect(row).toMatchObject({ status: 'ignored', attempts: 2 });
  });

  it('404 for an unknown event, 409 for one that did not fail, 400 for a bad id', async () => {
    await request(app).post('/api/admin/webhook-events/evt_nope/replay').set(auth).expect(404);
    await request(app).post('/api/admin/webhook-events/evt_ok/replay').set(auth).expect(409);
    await request(app).post('/api/admin/webhook-events/not-an-event/replay').set(auth).expect(400);
  });
});

describe('POST /api/admin/reconcile', () => {
  it('runs the reconcile and returns its summary', async () => {
    const res = await request(app).post('/api/admin/reconcile').set(auth).send({ since: new Date(Date.now() - 86_400_000).toISOString() }).expect(200);
    expect(res.body).toMatchObject({ events: expect.any(Object), sessions: expect.any(Object), fees: expect.any(Object), inbox: expect.any(Object) });
  });

  it('400 without a valid since', async () => {
    const res = await request(app).post('/api/admin/reconcile').set(auth).send({}).expect(400);
    expect(res.body.error.details[0].field).toBe('since');
  });
});
