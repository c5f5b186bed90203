// Issue 12, item 4 (and the connection flood found beside it), on the real entry point: src/main.ts
// as a child process with its own database and in-process Stripe emulator. A request whose headers
// or body trickle in is cut at the server's header and request timeouts (Node's defaults held a
// trickled body for 300 s), while a phone on a bad network, slower than any real one, still gets
// through. And one host cannot hold every connection the server will take.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SERVER_LIMITS } from '../../../src/http/server.ts';
import { freePort } from '../../../src/db/embedded-postgres.ts';
import { PROJECT_ROOT } from '../../../src/project-root.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { withDatabase } from '../../helpers/global-setup.ts';
import { loopbackAddress, requestFrom } from '../../helpers/source-address.ts';

let db: TestDatabase;
let child: ChildProcess;
let port: number;

beforeAll(async () => {
  db = await createTestDatabase();
  port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      DATABASE_URL: withDatabase(inject('pgAdminUrl'), db.name),
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      STRIPE_EMULATOR_PORT: String(await freePort()),
      TRUST_PROXY: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += String(c)));
  child.stderr!.on('data', (c) => (output += String(c)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`main.ts did not start:\n${output}`);
    const ok = await requestFrom('127.0.0.1', `http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}, 90_000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  await db.drop();
});

interface Trickle {
  /** ms from connecting until the server closed the connection (or the test gave up: null). */
  closedAfterMs: number | null;
  /** What the server answered, if anything. */
  response: string;
}

/** Sends `chunks` one every `everyMs` from `address`; resolves when the server closes, or at `giveUpMs`. */
function trickle(address: string, chunks: string[], everyMs: number, giveUpMs: number): Promise<Trickle> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: address });
    let response = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < chunks.length && !socket.destroyed) socket.write(chunks[i++]!);
    }, everyMs);
    const done = (closedAfterMs: number | null) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedAfterMs, response });
    };
    const giveUp = setTimeout(() => done(null), giveUpMs);
    socket.on('data', (c) => (response += String(c)));
    socket.on('close', () => done(Date.now() - started));
    socket.on('error', () => {});
  });
}

// About 2 KB on the wire: a message in French, percent-encoded.
const form = `campaign=demo&amount=25&currency=usd&frequency=once&email=phone%40example.org&name=Ren%C3%A9e&message=${encodeURIComponent(`Merci ${'é'.repeat(290)}`)}`;

describe('slow clients', () => {
  it('cuts trickled headers and bodies at the timeouts; a slow phone still gets through', async () => {
    const slowHeaders = trickle(
      loopbackAddress(90, 1),
      ['POST /api/pledges HTTP/1.1\r\nHost: x\r\n', ...'X-Slow: 1234567890123456789012345678901234567890'.split('')],
      1_000,
      45_000,
    );
    const slowBody = trickle(
      loopbackAddress(90, 2),
      ['POST /api/pledges HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{', ...'"'.repeat(60).split('')],
      1_000,
      45_000,
    );
    // 2 KB of form in 100-byte pieces every half second (~200 bytes/s, far slower than 2G EDGE),
    // the headers themselves in three pieces over a second and a half: about 11 s in all.
    const head = `POST /api/pledges HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\nConnection: close\r\n\r\n`;
    const pieces = [head.slice(0, 30), head.slice(30, 80), head.slice(80), ...(form.match(/.{1,100}/gs) ?? [])];
    const phone = trickle(loopbackAddress(90, 3), pieces, 500, 45_000);

    const [headers, body, slowPhone] = await Promise.all([slowHeaders, slowBody, phone]);
    const slack = 3_000 + SERVER_LIMITS.timeoutCheckMs;
    expect(headers.closedAfterMs, 'trickled headers still open').not.toBeNull();
    expect(headers.closedAfterMs!).toBeLessThan(SERVER_LIMITS.headersTimeoutMs + slack);
    expect(body.closedAfterMs, 'trickled body still open').not.toBeNull();
    expect(body.closedAfterMs!).toBeLessThan(SERVER_LIMITS.requestTimeoutMs + slack);
    expect(body.response).toMatch(/^HTTP\/1\.1 408/);
    // The phone's form went through: a 303 to Checkout.
    expect(slowPhone.response).toMatch(/^HTTP\/1\.1 303/);
    expect(slowPhone.response).toMatch(/\r\nLocation: http:\/\/127\.0\.0\.1:\d+\/checkout\//i);
  }, 60_000);

  it('one host cannot hold every connection: beyond its share, its new connections are closed; others still get in', async () => {
    const attacker = loopbackAddress(91, 1);
    const sockets = await Promise.all(Array.from({ length: SERVER_LIMITS.connectionsPerClient + 40 }, () => new Promise<{ socket: net.Socket; closed: Promise<void> }>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress: attacker }, () => resolve({ socket, closed }));
      const closed = new Promise<void>((r) => socket.once('close', () => r()));
      socket.on('error', () => {});
    })));
    await new Promise((r) => setTimeout(r, 1_000));
    const stillOpen = sockets.filter((s) => !s.socket.destroyed && s.socket.readyState === 'open');
    expect(stillOpen.length).toBe(SERVER_LIMITS.connectionsPerClient);
    expect((await requestFrom(loopbackAddress(91, 2), `http://127.0.0.1:${port}/api/campaigns/demo/progress`)).status).toBe(200);
    for (const s of sockets) s.socket.destroy();
  }, 30_000);
});
