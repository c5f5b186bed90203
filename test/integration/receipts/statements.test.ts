// The year's statement: the gifts of the calendar year in ORG_TIMEZONE, net of refunds, per
// currency; a dry run writes a CSV and queues nothing; --send queues one per donor and year, and a
// second run queues nothing new; staff print any donor's statement from the dashboard; the Emails
// tab lists what was sent.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { senderDomain } from '../../../src/email/outbox.ts';
import { lintEmail } from '../../../src/email/mail-lint.ts';
import { runAnnualStatements, type StatementCliIo } from '../../../src/receipts/statement-cli.ts';
import { createStatementService } from '../../../src/receipts/statement-service.ts';
import { buildApp, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign, insertPayment, insertPledge } from '../../helpers/factories.ts';
import { outboxRows, startMailStack } from '../../helpers/mail.ts';
import { mintKey } from '../admin/admin-fixtures.ts';

let db: TestDatabase;
const config = testConfig({ ORG_NAME: 'The Tribune Fund', ORG_TIMEZONE: 'America/Los_Angeles' });

beforeAll(async () => {
  db = await createTestDatabase();
  const campaign = await insertCampaign(db, { slug: 'statements' });
  const gift = async (email: string, paidAt: string, extra: Parameters<typeof insertPayment>[2] = {}, currency = 'usd') => {
    const pledge = await insertPledge(db, campaign.id, { email });
    const payment = await insertPayment(db, pledge, extra);
    await db.pool.query(`UPDATE payments SET paid_at = $1, currency = $2 WHERE id = $3`, [paidAt, currency, payment.id]);
  };
  // 21:00 on 31 December in Los Angeles is already 2027 in UTC: it belongs to 2026.
  await gift('ann@example.org', '2027-01-01T05:00:00Z', { amount: 10_000 });
  await gift('Ann@Example.org', '2026-06-01T12:00:00Z', { amount: 5_000, amountRefunded: 2_000 });
  await gift('ann@example.org', '2026-07-01T12:00:00Z', { amount: 3_000 }, 'eur');
  // 21:00 on 31 December 2025 in Los Angeles: not 2026.
  await gift('ann@example.org', '2026-01-01T05:00:00Z', { amount: 99_900 });
  await gift('ann@example.org', '2026-08-01T12:00:00Z', { amount: 7_700, flag: 'amount differs' });
  await gift('ann@example.org', '2026-08-02T12:00:00Z', { amount: 8_800, status: 'failed' });
  await gift('bob@example.org', '2026-03-01T12:00:00Z', { amount: 2_500 });
});
afterAll(() => db.drop());

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const ticks: number[] = [];
  const cli: StatementCliIo = {
    out: (t) => out.push(t),
    err: (l) => err.push(l),
    writeFile: async (p, t) => void files.set(p, t),
    progress: { start: (n) => ticks.push(n), tick: () => ticks.push(-1), stop: () => {} },
  };
  return { cli, out, err, files, ticks };
}

const service = () => createStatementService({ client: db.prisma, org: config.org, domain: senderDomain(config.email.from) });

describe('annual statements', () => {
  it('a dry run prints a CSV of what would be sent, net of refunds, per currency, and queues nothing', async () => {
    const run = io();
    expect(await runAnnualStatements(['--year', '2026'], service(), run.cli)).toBe(0);
    expect(run.out.join('').trim().split('\n')).toEqual([
      'email,name,currency,gifts,gross,refunded,net,status',
      'ann@example.org,,usd,2,150.00,20.00,130.00,would send',
      'ann@example.org,,eur,1,30.00,0.00,30.00,would send',
      'bob@example.org,,usd,1,25.00,0.00,25.00,would send',
    ]);
    expect(run.err.join('\n')).toContain('dry run: 2 statement(s) would be sent for 2026');
    expect(await outboxRows(db)).toHaveLength(0);
  });

  it('--send queues one per donor; running it twice queues nothing new; the sender sends them', async () => {
    const first = io();
    expect(await runAnnualStatements(['--year', '2026', '--send', '--csv', 'out.csv'], service(), first.cli)).toBe(0);
    expect(first.files.get('out.csv')).toContain('bob@example.org,,usd,1,25.00,0.00,25.00,queued');
    expect(first.ticks).toEqual([2, -1, -1]);
    expect(first.err.join('\n')).toContain('queued 2 statement(s) for 2026');
    const second = io();
    expect(await runAnnualStatements(['--year', '2026', '--send'], service(), second.cli)).toBe(0);
    expect(second.out.join('')).toContain('bob@example.org,,usd,1,25.00,0.00,25.00,already sent');
    expect(second.err.join('\n')).toContain('queued 0 statement(s) for 2026 (2 donor(s) already had theirs)');
    const rows = await outboxRows(db);
    expect(rows.map((r) => [r.kind, r.to_address, r.dedupe_key])).toEqual([
      ['statement', 'ann@example.org', 'statement:2026:ann@example.org'],
      ['statement', 'bob@example.org', 'statement:2026:bob@example.org'],
    ]);

    const mail = await startMailStack(db);
    try {
      await mail.sender.drain();
      const ann = (await mail.parsed()).find((m) => m.subject === 'Your 2026 giving statement from The Tribune Fund' && m.text?.includes('ann@example.org'))!;
      expect(ann.text).toContain('Total USD: $130.00 (2 gifts, $20.00 refunded)');
      expect(ann.text).toContain('Total EUR: €30.00 (1 gift)');
      expect(ann.text).toContain('December 31, 2026: $100.00');
      expect(ann.text).toContain('June 1, 2026: $30.00 ($50.00 less $20.00 refunded)');
      expect(ann.text).not.toContain('999.00');
      expect(lintEmail({ subject: ann.subject!, html: ann.html as string, text: ann.text! })).toEqual([]);
    } finally {
      await mail.close();
    }
  });

  it('refuses a missing or bad year', async () => {
    const run = io();
    expect(await runAnnualStatements([], service(), run.cli)).toBe(2);
    expect(await runAnnualStatements(['--year', 'soon'], service(), run.cli)).toBe(2);
    expect(run.err.join('\n')).toContain('usage: npm run receipts:annual -- --year YYYY');
  });

  it('staff print a statement and see the emails in the dashboard; without a session, nothing', async () => {
    const app = buildApp(db, { config });
    await request(app).get('/admin/statements?email=ann@example.org&year=2026').set('Accept', 'text/html').expect(401);
    await request(app).get('/admin/emails').set('Accept', 'text/html').expect(401);
    const { key } = await mintKey(db);
    const signIn = await request(app).post('/admin/sign-in').type('form').send({ key }).expect(303);
    const cookie = signIn.headers['set-cookie']![0]!.split(';')[0]!;
    const statement = await request(app).get('/admin/statements?email=ANN@example.org&year=2026').set('Cookie', cookie).expect(200);
    expect(statement.text).toContain('Your 2026 giving statement');
    expect(statement.text).toContain('$130.00');
    await request(app).get('/admin/statements?email=nobody@example.org&year=2026').set('Cookie', cookie).set('Accept', 'text/html').expect(404);
    await request(app).get('/admin/statements?email=ann&year=2026').set('Cookie', cookie).set('Accept', 'text/html').expect(400);

    const emails = await request(app).get('/admin/emails').set('Cookie', cookie).expect(200);
    expect(emails.text).toContain('Your 2026 giving statement from The Tribune Fund');
    expect(emails.text).toMatch(/data-status>sent/);
    const [row] = await outboxRows(db);
    const one = await request(app).get(`/admin/emails/${row!.id}`).set('Cookie', cookie).expect(200);
    expect(one.text).toContain(row!.message_id.replace('<', '&lt;').replace('>', '&gt;'));
    const frame = await request(app).get(`/admin/emails/${row!.id}/html`).set('Cookie', cookie).expect(200);
    expect(frame.headers['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
    expect(frame.text).toBe(row!.html);
    const filtered = await request(app).get('/admin/emails?to=bob@example.org').set('Cookie', cookie).expect(200);
    expect(filtered.text).not.toContain('ann@example.org');
  });
});
