// Found by the chaos run (test/chaos): while PostgreSQL restarts, requests got 500 internal_error
// instead of 503 service_unavailable, because Prisma reports the server's FATAL 57P03 ("the
// database system is shutting down / starting up"), 57P01 and a closed connection under codes of
// its own (P2010, P2039) with the SQLSTATE inside `meta.driverAdapterError`. A fake server here
// answers exactly as a restarting PostgreSQL does.
import net from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/client.ts';
import { buildApp } from '../helpers/app.ts';
import { deliver } from './webhooks/webhook-harness.ts';

type Mode = { fatal: { code: string; message: string } } | 'close-after-startup';

/** Speaks just enough of the PostgreSQL protocol to fail the way a restarting server does. */
async function fakePostgres(mode: Mode): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let startedUp = false;
    socket.on('data', (data) => {
      // SSLRequest (code 80877103): "no SSL", then the real startup message follows.
      if (!startedUp && data.length === 8 && data.readInt32BE(4) === 80877103) {
        socket.write('N');
        return;
      }
      if (!startedUp && mode !== 'close-after-startup') {
        socket.end(errorResponse(mode.fatal.code, mode.fatal.message));
        return;
      }
      if (!startedUp) {
        startedUp = true;
        const authOk = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
        const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
        socket.write(Buffer.concat([authOk, ready]));
        return;
      }
      socket.destroy(); // the first query: the server goes away under it
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/chaos`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat(
    [['S', 'FATAL'], ['V', 'FATAL'], ['C', code], ['M', message]].map(([k, v]) => Buffer.from(`${k}${v}\0`, 'utf8')),
  );
  const body = Buffer.concat([fields, Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const event = {
  id: 'evt_restart_1',
  object: 'event',
  api_version: '2026-10-28.endive',
  created: Math.floor(Date.now() / 1000),
  data: { object: { id: 'cs_restart_1', object: 'checkout.session', mode: 'payment', payment_status: 'paid', metadata: {} } },
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  type: 'checkout.session.expired',
};

describe('a restarting PostgreSQL is "unavailable" (503, retry), never an internal error (500)', () => {
  let fake: Awaited<ReturnType<typeof fakePostgres>> | undefined;
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close().catch(() => {});
    await fake?.close();
  });

  it.each([
    ['57P03', 'the database system is shutting down'],
    ['57P03', 'the database system is starting up'],
    ['57P01', 'terminating connection due to administrator command'],
  ])('FATAL %s (%s): API and webhook answer 503', async (code, message) => {
    fake = await fakePostgres({ fatal: { code, message } });
    db = createDatabase(fake.url);
    const app = buildApp(db);
    const api = await request(app).get('/api/campaigns/anything/progress');
    expect(api.status).toBe(503);
    expect(api.body.error.code).toBe('service_unavailable');
    const hook = await deliver(app as never, event);
    expect(hook.status).toBe(503);
  });

  it('a connection closed under a query: API and webhook answer 503', async () => {
    fake = await fakePostgres('close-after-startup');
    db = createDatabase(fake.url);
    const app = buildApp(db);
    const api = await request(app).get('/api/campaigns/anything/progress');
    expect(api.status).toBe(503);
    const hook = await deliver(app as never, event);
    expect(hook.status).toBe(503);
  });

  // Issue 17's endpoints: 503 in JSON (a page for the digest's pages), nothing else.
  const auth = { Authorization: `Bearer dk_live_${'k'.repeat(43)}` };
  const token = `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'A'.repeat(43)}`;
  it.each([
    ['POST /api/digest/subscriptions', (app: ReturnType<typeof buildApp>) => request(app).post('/api/digest/subscriptions').send({ email: 'a@example.org' }), 'json'],
    ['POST /api/digest/subscriptions (form)', (app: ReturnType<typeof buildApp>) => request(app).post('/api/digest/subscriptions').type('form').set('Accept', 'text/html').send('email=a%40example.org'), 'html'],
    ['GET /digest/confirm/:token', (app: ReturnType<typeof buildApp>) => request(app).get(`/digest/confirm/${'A'.repeat(43)}`).set('Accept', 'text/html'), 'html'],
    ['POST /digest/unsubscribe/:token (one click, no cookie)', (app: ReturnType<typeof buildApp>) => request(app).post(`/digest/unsubscribe/${token}`).type('form').send('List-Unsubscribe=One-Click'), 'any'],
    ['POST /api/admin/offline-gifts', (app: ReturnType<typeof buildApp>) => request(app).post('/api/admin/offline-gifts').set(auth).send({ campaign: 'winter', amount: 100, currency: 'usd', receivedOn: '2026-11-01', method: 'cash' }), 'json'],
    ['POST /api/admin/offline-gifts/import', (app: ReturnType<typeof buildApp>) => request(app).post('/api/admin/offline-gifts/import').set(auth).type('text/csv').send('date,amount,method,campaign\n2026-11-01,1,cash,winter\n'), 'json'],
    ['GET /api/admin/campaigns/:slug/match-pools', (app: ReturnType<typeof buildApp>) => request(app).get('/api/admin/campaigns/winter/match-pools').set(auth), 'json'],
  ] as const)('%s', async (_what, send, kind) => {
    fake = await fakePostgres({ fatal: { code: '57P03', message: 'the database system is shutting down' } });
    db = createDatabase(fake.url);
    const res = await send(buildApp(db));
    expect(res.status).toBe(503);
    if (kind === 'json') expect(res.body.error.code).toBe('service_unavailable');
    if (kind === 'html') expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).not.toMatch(/\.ts:\d+|at async|PrismaClient|57P03/);
  });
});
