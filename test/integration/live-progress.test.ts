// Live progress across instances: two apps on one database, each with its own LISTEN connection.
// A payment committed through one is pushed by the other's stream within a second.
import http from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressHub, type ProgressHub } from '../../src/campaigns/progress-hub.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp, listen } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { insertCampaign, insertPayment, insertPledge } from '../helpers/factories.ts';

let db: TestDatabase;
let hubs: ProgressHub[];
let servers: Awaited<ReturnType<typeof listen>>[];

beforeAll(async () => {
  db = await createTestDatabase();
  hubs = [0, 1].map(() => createProgressHub({ url: db.url, logger: createLogger('silent'), reconnectMs: 100 }));
  servers = await Promise.all(hubs.map((progressHub) => listen(buildApp(db, { progressHub }))));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(hubs.map((h) => h.close()));
  await db.drop();
});

/** Reads Server-Sent Events from a URL until `until` returns true for the events so far. */
function readEvents(url: string, headers: Record<string, string> = {}) {
  const events: { id?: string; event?: string; data: unknown }[] = [];
  let resolveWait: (() => void) | undefined;
  let predicate: ((e: typeof events) => boolean) | undefined;
  const req = http.get(url, { headers }, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block.split('\n').filter((l) => l && !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
        );
        if (fields.data) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
      }
      if (predicate?.(events)) resolveWait?.();
    });
  });
  return {
    events,
    until(check: (e: typeof events) => boolean, timeoutMs = 3000) {
      if (check(events)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        predicate = check;
        resolveWait = resolve;
        setTimeout(() => reject(new Error(`timed out; events so far: ${JSON.stringify(events)}`)), timeoutMs);
      });
    },
    close: () => req.destroy(),
  };
}

describe('progress stream', () => {
  it('pushes a new total to every instance within a second of a payment', async () => {
    const campaign = await insertCampaign(db, { slug: 'live', goal: 10_000 });
    const streams = servers.map((s) => readEvents(`${s.url}/api/campaigns/live/progress/stream`));
    try {
      await Promise.all(streams.map((s) => s.until((e) => e.length === 1)));
      expect(streams[0]!.events[0]).toMatchObject({ event: 'progress', data: { campaign: 'live', raised: 0 } });
      // Let both LISTEN connections come up before the money moves.
      await expect.poll(() => hubs.every((h) => h.listening)).toBe(true);

      const started = Date.now();
      await insertPayment(db, await insertPledge(db, campaign.id), { amount: 2500 });
      await Promise.all(streams.map((s) => s.until((e) => e.some((x) => (x.data as { raised: number }).raised === 2500))));
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      streams.forEach((s) => s.close());
    }
  });

  it('resumes from Last-Event-ID without repeating what the client has', async () => {
    await insertCampaign(db, { slug: 'resume' });
    const first = readEvents(`${servers[0]!.url}/api/campaigns/resume/progress/stream`);
    await first.until((e) => e.length === 1);
    first.close();
    const again = readEvents(`${servers[1]!.url}/api/campaigns/resume/progress/stream`, { 'Last-Event-ID': first.events[0]!.id! });
    await new Promise((r) => setTimeout(r, 300));
    expect(again.events).toHaveLength(0);
    again.close();
  });

  it('answers 404 as JSON for an unknown campaign', async () => {
    const res = await request(servers[0]!.url).get('/api/campaigns/nope/progress/stream').expect(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('polling progress', () => {
  it('is cheap to revalidate: an unchanged total is a 304', async () => {
    const campaign = await insertCampaign(db, { slug: 'polled' });
    const first = await request(servers[0]!.url).get('/api/campaigns/polled/progress').expect(200);
    expect(first.headers.etag).toMatch(/^W\/"/);
    await request(servers[0]!.url).get('/api/campaigns/polled/progress').set('If-None-Match', first.headers.etag!).expect(304);
    await insertPayment(db, await insertPledge(db, campaign.id), { amount: 1000 });
    await expect
      .poll(async () => (await request(servers[0]!.url).get('/api/campaigns/polled/progress').set('If-None-Match', first.headers.etag!)).status)
      .toBe(200);
  });
});

describe('the widget', () => {
  it('is frameable by other sites, and only it', async () => {
    await insertCampaign(db, { slug: 'framed' });
    const widget = await request(servers[0]!.url).get('/embed/campaigns/framed').expect(200);
    expect(widget.headers['x-frame-options']).toBeUndefined();
    expect(widget.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(widget.text).toContain('href="http://donate.test/campaigns/framed"');
    const page = await request(servers[0]!.url).get('/campaigns/framed').expect(200);
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'self'");
  });
});

describe('page not found', () => {
  it('answers an unknown or malformed campaign page with the HTML 404 page', async () => {
    for (const path of ['/campaigns/no-such-campaign', '/campaigns/Bad_Slug', '/embed/campaigns/no-such-campaign']) {
      const res = await request(servers[0]!.url).get(path).expect(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Page not found');
    }
  });
});

describe('supporters', () => {
  it('lists completed donors with their messages, escaped, and the anonymous only as "Anonymous"', async () => {
    const campaign = await insertCampaign(db, { slug: 'thanks-all' });
    const named = await insertPledge(db, campaign.id);
    await db.prisma.pledge.update({
      where: { id: named.id },
      data: { status: 'completed', completedAt: new Date(), name: 'Zoë <script>alert(1)</script>', message: 'Go <b>team</b>' },
    });
    const shown = await insertPledge(db, campaign.id, { amount: 5181, coveredFee: 181, frequency: 'monthly' });
    await db.prisma.pledge.update({ where: { id: shown.id }, data: { status: 'completed', completedAt: new Date(0), name: 'Shown Amount', showAmount: true } });
    const hidden = await insertPledge(db, campaign.id);
    await db.prisma.pledge.update({ where: { id: hidden.id }, data: { status: 'completed', name: 'Secret Sam', anonymous: true } });
    const res = await request(servers[0]!.url).get('/campaigns/thanks-all').expect(200);
    expect(res.text).toContain('Zoë &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).toContain('Go &lt;b&gt;team&lt;/b&gt;');
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).not.toContain('Secret Sam');
    expect(res.text).toContain('<li><strong>Anonymous</strong></li>');
    // The amount only where the donor allowed it: the gift, not the fee they covered.
    expect(res.text).toContain('<li><strong>Shown Amount</strong> <span class="gift">$50 a month</span></li>');
    expect(res.text).not.toMatch(/Zoë[^<]*<\/strong> <span class="gift">/);
    // The list alone, as progress.js fetches it when a gift lands.
    const fragment = await request(servers[0]!.url).get('/campaigns/thanks-all/supporters').expect(200);
    expect(fragment.text).toMatch(/^<section[^>]*data-supporters="thanks-all"/);
    expect(fragment.text).toContain('Zoë &lt;script&gt;');
    expect(fragment.text).not.toContain('Secret Sam');
  });
});
