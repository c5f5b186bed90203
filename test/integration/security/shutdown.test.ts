// SIGTERM under load, on the real entry point (src/main.ts as a child process, its own database,
// its in-process Stripe emulator delivering webhooks): every request in flight gets its whole
// answer, new connections are refused, a live progress stream is ended cleanly, no pledge or
// payment is left half written, and the process exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src/project-root.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { withDatabase } from '../../helpers/global-setup.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

interface Outcome {
  sentBeforeSignal: boolean;
  status?: number;
  body?: string;
  error?: string;
  /** When the answer was complete (Date.now()). */
  at?: number;
}

function call(port: number, agent: http.Agent, method: string, path: string, body?: unknown, sent?: () => void): Promise<Omit<Outcome, 'sentBeforeSignal'>> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), at: Date.now() }));
        res.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
      },
    );
    req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.on('finish', () => sent?.());
    req.end(payload);
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${buffer}`)), timeoutMs);
    child.stdout!.on('data', (chunk) => {
      buffer += String(chunk);
      if (pattern.test(buffer)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe('SIGTERM under load', () => {
  it('finishes in-flight requests, refuses new connections, leaves nothing half done, exits 0', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const emulatorPort = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'development',
        DATABASE_URL: withDatabase(inject('pgAdminUrl'), db.name),
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        STRIPE_EMULATOR_PORT: String(emulatorPort),
        STRIPE_EMULATOR_WEBHOOKS: 'on',
        PLEDGE_RATE_LIMIT_PER_MINUTE: '100000',
        PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '100000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (c) => (stderr += String(c)));
    child.stdout!.on('data', (c) => (stdout += String(c)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitForLine(child, /"msg":"ready/, 60_000);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 40 });
      const pledge = { campaign: 'demo', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };

      // Some donations already paid, so the emulator's webhooks are arriving during the drain.
      const warm = await Promise.all(Array.from({ length: 10 }, () => call(port, agent, 'POST', '/api/pledges', pledge)));
      for (const w of warm) expect(w.status).toBe(201);
      await Promise.all(
        warm.map((w) =>
          fetch(`http://127.0.0.1:${emulatorPort}/v1/test_helpers/checkout/sessions/${JSON.parse(w.body!).checkoutSessionId}/pay`, {
            method: 'POST', headers: { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'outcome=succeeded',
          }),
        ),
      );

      // A live progress stream: it never ends by itself, shutdown must end it.
      const stream = new Promise<{ status?: number; ended: boolean; error?: string }>((resolve) => {
        http.get({ host: '127.0.0.1', port, path: '/api/campaigns/demo/progress/stream' }, (res) => {
          res.on('data', () => {});
          res.on('end', () => resolve({ status: res.statusCode, ended: true }));
          res.on('error', (e) => resolve({ status: res.statusCode, ended: false, error: String(e) }));
        }).on('error', (e) => resolve({ ended: false, error: String(e) }));
      });

      // Load: pledges (a database transaction and a Stripe call each) and progress reads, each on
      // its own connection, all written to the socket before the signal: they are in flight.
      const loadAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
      const outcomes: Array<Promise<Outcome>> = [];
      let written = 0;
      for (let i = 0; i < 120; i++) {
        const p = i % 3 === 0
          ? call(port, loadAgent, 'GET', '/api/campaigns/demo/progress', undefined, () => written++)
          : call(port, loadAgent, 'POST', '/api/pledges', pledge, () => written++);
        outcomes.push(p.then((o) => ({ ...o, sentBeforeSignal: true })));
      }
      await expect.poll(() => written, { timeout: 10_000, interval: 5 }).toBe(120);
      // The signal lands once the server is visibly working through them: pledges being written.
      const pledgeRows = async () => Number((await db.pool.query('SELECT count(*) FROM pledges')).rows[0].count);
      await expect.poll(pledgeRows, { timeout: 20_000, interval: 2 }).toBeGreaterThan(warm.length + 3);
      // A keep-alive client in the middle of a conversation.
      const kept = call(port, agent, 'GET', '/api/campaigns/demo');
      const signalledAt = Date.now();
      child.kill('SIGTERM');
      const startedAtSignal = await pledgeRows();
      // Once it says it is shutting down, its listener is closed: a new connection is refused.
      await expect.poll(() => /shutting down/.test(stdout), { timeout: 5_000, interval: 2 }).toBe(true);
      const afterClose = await call(port, new http.Agent({ keepAlive: false }), 'GET', '/healthz');
      // Keep knocking while it drains: new connections are refused, never half answered.
      const late: Array<Promise<Omit<Outcome, 'sentBeforeSignal'>>> = [];
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 20));
        late.push(call(port, new http.Agent({ keepAlive: false }), 'GET', '/api/campaigns/demo/progress'));
      }

      const code = await exited;
      const results = await Promise.all(outcomes);
      const lateResults = await Promise.all(late);
      const streamResult = await stream;
      const keptResult = await kept;
      agent.destroy();

      expect(code, `${stderr}\n${stdout.split('\n').filter((l) => !/"level":30/.test(l) || /shutting|stopped|stop|close/i.test(l)).filter((l) => !/will retry/.test(l)).join('\n').slice(-3000)}`).toBe(0);
      // Every request the server took got its whole answer. The only other outcome is a reset of
      // a connection still in the kernel's accept queue when the listener closed: never read, so
      // never started (the pledge count below proves it), and safe to retry.
      const answered = results.filter((r) => !r.error);
      expect(answered.filter((r) => r.status !== 200 && r.status !== 201).map((r) => `${r.status} ${r.body}`)).toEqual([]);
      for (const r of answered) expect(() => JSON.parse(r.body!)).not.toThrow();
      expect(results.filter((r) => r.error && r.error !== 'ECONNRESET').map((r) => r.error)).toEqual([]);
      // And the drain was real: requests were still being answered after the signal.
      const drained = answered.filter((r) => r.at! > signalledAt).length;
      expect(drained, `answered ${answered.length}, after the signal ${drained}, reset ${results.length - answered.length}`).toBeGreaterThan(0);
      // Every pledge the server had begun when the signal came was finished and answered.
      expect(answered.filter((r) => r.status === 201).length + warm.length).toBeGreaterThanOrEqual(startedAtSignal);
      // No request was cut short inside the server.
      expect(stdout.split('\n').filter((l) => /"level":50|request aborted|request errored/.test(l))).toEqual([]);
      // After it: refused at the door, or answered whole; never a connection cut mid-answer.
      // (A reset is a connection that reached the accept queue just before the listener closed.)
      for (const r of lateResults) {
        if (r.error) expect(['ECONNREFUSED', 'ECONNRESET']).toContain(r.error);
        else expect(r.status).toBe(200);
      }
      expect(afterClose.error).toBe('ECONNREFUSED');
      // A request racing the signal on a kept-alive connection: answered whole, or (if the
      // connection was idle when the drain began) reset before any byte of an answer, which an
      // HTTP client retries; never cut in the middle.
      if (keptResult.error) expect(keptResult.error).toBe('ECONNRESET');
      else expect(keptResult.status).toBe(200);
      expect(streamResult).toMatchObject({ status: 200, ended: true });

      // Nothing half done: each 201 has its pledge with its Checkout Session, no pledge without
      // one (unless failed), and every payment row came with its event applied.
      const created = results.filter((r) => r.status === 201).map((r) => JSON.parse(r.body!).checkoutSessionId as string);
      const { rows: pledges } = await db.pool.query('SELECT status, checkout_session_id FROM pledges');
      expect(pledges.length).toBe(created.length + warm.length);
      expect(pledges.filter((p) => !p.checkout_session_id && p.status !== 'failed')).toEqual([]);
      const ids = new Set(pledges.map((p) => p.checkout_session_id));
      for (const id of created) expect(ids.has(id)).toBe(true);
      const { rows: stuck } = await db.pool.query(`SELECT id, status FROM webhook_events WHERE status = 'received'`);
      expect(stuck).toEqual([]);
      const { rows: orphans } = await db.pool.query(
        `SELECT p.id FROM payments p JOIN pledges pl ON pl.id = p.pledge_id WHERE pl.status <> 'completed'`,
      );
      expect(orphans).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    }
  });
});
