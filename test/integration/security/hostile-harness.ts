// Shared by the hostile-input suites: an app on its own database with the emulator as Stripe, a
// valid admin key, and a fingerprint of every table so "nothing was written" means nothing: no
// row added, removed or changed (admin_keys.last_used_at excepted: it is bookkeeping, at most
// once a minute, and not what a hostile request could move).
import type http from 'node:http';
import net from 'node:net';
import { expect } from 'vitest';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, startEmulator, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign, insertPledge } from '../../helpers/factories.ts';
import { mintKey } from '../admin/admin-fixtures.ts';

export const TABLES = [
  'campaigns', 'campaign_total_shards', 'pledges', 'payments', 'payouts', 'webhook_events', 'admin_keys', 'admin_sessions', 'offline_gifts',
] as const;

export interface Hostile {
  db: TestDatabase;
  emulator: StripeEmulator;
  app: ReturnType<typeof buildApp>;
  adminKey: string;
  close(): Promise<void>;
}

export async function hostileSetup(): Promise<Hostile> {
  const db = await createTestDatabase();
  const emulator = await startEmulator();
  const app = buildApp(db, {
    stripe: emulatorStripe(emulator),
    checkoutOrigin: emulator.url,
    // High limits: this corpus is about input, the limits have their own suite.
    config: testConfig({ PLEDGE_RATE_LIMIT_PER_MINUTE: '100000', PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '100000' }),
  });
  const campaign = await insertCampaign(db, { slug: 'open-usd', currency: 'usd' });
  await insertCampaign(db, { slug: 'open-jpy', currency: 'jpy' });
  await insertPledge(db, campaign.id, { amount: 2500 });
  const { key } = await mintKey(db, 'hostile');
  return {
    db, emulator, app, adminKey: key,
    async close() {
      await emulator.stop();
      await db.drop();
    },
  };
}

/** Every row of every table, as text: any insert, delete or update changes it. */
export async function fingerprint(db: TestDatabase): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const row = table === 'admin_keys' ? `(t.id, t.key_hash, t.label, t.revoked_at)::text` : 't::text';
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(${row}, ',' ORDER BY ${row}), '')) AS h FROM ${table} t`,
    );
    out[table] = `${rows[0].n}:${rows[0].h}`;
  }
  return out;
}

/** Runs `fn` and asserts that neither the database nor Stripe saw a write. */
export async function expectNothingWritten<T>(h: Hostile, fn: () => Promise<T>): Promise<T> {
  const before = await fingerprint(h.db);
  const stripeCalls = h.emulator.requests.length;
  const result = await fn();
  expect(await fingerprint(h.db)).toEqual(before);
  expect(h.emulator.requests.slice(stripeCalls).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  return result;
}

/** A stack frame ("at fn (file.ts:12:3)") or a file path in a body is a leak. */
export function expectNoLeak(body: string): void {
  expect(body).not.toMatch(/\bat .+:\d+:\d+/);
  expect(body).not.toMatch(/\/work\/|node_modules|src\/[a-z-]+\/[a-z-]+\.ts|prisma\.|PrismaClient|SELECT |syntax error/i);
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request written byte for byte on the socket, for what supertest and Node's client refuse to
 * send: raw paths (../, %2e%2e, encoded slashes), invalid UTF-8 bytes, duplicate headers.
 */
export function rawRequest(
  server: { port: number },
  lines: { method: string; path: string; headers?: Array<[string, string]>; body?: Buffer | string; noContentLength?: boolean },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = lines.body === undefined ? undefined : Buffer.isBuffer(lines.body) ? lines.body : Buffer.from(lines.body);
    const headers: Array<[string, string]> = [['Host', '127.0.0.1'], ['Connection', 'close'], ...(lines.headers ?? [])];
    if (body && !lines.noContentLength) headers.push(['Content-Length', String(body.length)]);
    {
      const socket = net.connect(server.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', reject);
      socket.on('end', () => {
        const raw = Buffer.concat(chunks).toString('latin1');
        const [head, ...rest] = raw.split('\r\n\r\n');
        const [statusLine, ...headerLines] = head!.split('\r\n');
        const parsed: http.IncomingHttpHeaders = {};
        for (const line of headerLines) {
          const i = line.indexOf(':');
          parsed[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        let text = rest.join('\r\n\r\n');
        if (/chunked/i.test(String(parsed['transfer-encoding'] ?? ''))) text = dechunk(text);
        resolve({ status: Number(statusLine!.split(' ')[1]), headers: parsed, body: Buffer.from(text, 'latin1').toString('utf8') });
      });
      socket.write(`${lines.method} ${lines.path} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, 'latin1');
      if (body) socket.write(body);
    }
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const i = rest.indexOf('\r\n');
    if (i < 0) break;
    const size = parseInt(rest.slice(0, i), 16);
    if (!size) break;
    out += rest.slice(i + 2, i + 2 + size);
    rest = rest.slice(i + 2 + size + 2);
  }
  return out;
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

// Values that go into every string field and query parameter.
export const SQL_INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE pledges; --",
  '1; SELECT pg_sleep(5)--',
  "\\'; TRUNCATE payments; --",
  "x' UNION SELECT key_hash FROM admin_keys--",
];

export const TRAVERSALS = ['../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%5c..%5cwindows', '%252e%252e%252f'];

export const UNICODE_TRICKS: Array<[string, string]> = [
  ['RTL override', 'open\u202Eusd'],
  ['zero-width space', 'open\u200Busd'],
  ['Cyrillic homoglyph', 'оpen-usd'], // first letter is U+043E
  ['fullwidth', 'ｏｐｅｎ-ｕｓｄ'],
  ['NUL', 'open-usd\u0000'],
  ['BOM', '\uFEFFopen-usd'],
  ['combining mark', 'open-usd\u0301'],
];
