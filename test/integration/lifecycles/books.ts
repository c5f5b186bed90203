// After each lifecycle, the books as finance reads them: the exports (CSV) and the reconciliation
// report of Stripe versus the database, through the admin API with a real key.
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { bearer, mintKey } from '../admin/admin-fixtures.ts';
import { startHarness, type Harness } from '../webhooks/webhook-harness.ts';

export interface Books {
  /** A staff dashboard page's HTML (the overview by default), signed in with the same key. */
  dashboard(path?: string): Promise<string>;
  csv(path: string): Promise<Array<Record<string, string>>>;
  /** The reconciliation report for the last and next hour. */
  reconciliation(): Promise<{ summary: Record<string, number>; differences: Array<{ kind: string; message: string }>; totals: unknown[] }>;
}

export async function openBooks(db: TestDatabase, h: Harness): Promise<Books> {
  const { key } = await mintKey(db);
  const auth = bearer(key);
  return {
    async dashboard(path = '/admin') {
      const signIn = await request(h.url).post('/admin/sign-in').type('form').send({ key });
      if (signIn.status !== 303) throw new Error(`sign-in: ${signIn.status}`);
      const cookie = signIn.headers['set-cookie']![0]!.split(';')[0]!;
      const page = await request(h.url).get(path).set('Cookie', cookie);
      if (page.status !== 200) throw new Error(`${path}: ${page.status}`);
      return page.text;
    },
    async csv(path) {
      const res = await request(h.url).get(path).set(auth).buffer(true).parse((r, cb) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => cb(null, text));
      });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${String(res.body)}`);
      return parse(res.body as string, { columns: true, skip_empty_lines: true });
    },
    async reconciliation() {
      const now = Date.now();
      const q = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`;
      const res = await request(h.url).get(`/api/admin/reconciliation?${q}`).set(auth);
      if (res.status !== 200) throw new Error(`reconciliation: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
  };
}

export interface LifecycleStage {
  db: TestDatabase;
  h: Harness;
  books: Books;
  campaignId: string;
}

/**
 * The stage every lifecycle file plays on: a database of its own, the app and emulator with
 * deliveries duplicated and reordered, one campaign, and its books. Registers its hooks when the
 * file is collected; the stage is filled before the file's own beforeAll hooks run.
 */
export function useLifecycleStage(slug: string): LifecycleStage {
  const stage = {} as LifecycleStage;
  beforeAll(async () => {
    stage.db = await createTestDatabase();
    stage.h = await startHarness(stage.db);
    stage.h.emulator.setDeliveryChaos({ duplicate: 0.5, reorder: true });
    stage.campaignId = (await insertCampaign(stage.db, { slug })).id;
    stage.books = await openBooks(stage.db, stage.h);
  });
  afterAll(async () => {
    await stage.h?.close();
    await stage.db?.drop();
  });
  return stage;
}
