// The daily digest's sign-up through a real SMTP server: double opt-in (the confirmation email
// with its headers, a page whose button confirms), the welcome that carries the one-click
// unsubscribe of RFC 8058, the POST that unsubscribes without cookie or CSRF token; the same
// answer for every address; one email an hour to an address; the donation form's box; the
// consent history; staff's subscribers.csv.
import request from 'supertest';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, listen, startEmulator, testConfig, type TestApp } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { outboxRows, startMailStack, type MailStack } from '../../helpers/mail.ts';
import { bearer, mintKey } from '../admin/admin-fixtures.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let app: TestApp;
let mail: MailStack;
let now = Date.now();

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  mail = await startMailStack(db);
  app = buildApp(db, {
    stripe: emulatorStripe(emulator),
    checkoutOrigin: emulator.url,
    clock: () => new Date(now),
    config: testConfig({
      PUBLIC_URL: 'https://donate.test', ORG_NAME: 'The Tribune Fund',
      MANAGE_LINK_SECRET: 'a-test-secret-of-at-least-thirty-two-characters', DIGEST_UNSUBSCRIBE_MAILTO: 'unsubscribe@donate.test',
    }),
  });
  await insertCampaign(db, { slug: 'winter' });
});
afterAll(async () => {
  await mail?.close();
  await emulator?.stop();
  await db?.drop();
});

const signUp = (body: Record<string, unknown>) => request(app).post('/api/digest/subscriptions').send(body);
const local = (url: string) => url.replace('https://donate.test', '');

/** The messages caught since `from`, with their raw header block (folded lines joined). */
async function caught(to: string): Promise<Array<{ parsed: ParsedMail; headers: string }>> {
  await mail.sender.drain();
  const parsed = await mail.parsed();
  return mail.smtp.messages
    .map((m, i) => ({ parsed: parsed[i]!, headers: m.raw.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' '), to: m.to }))
    .filter((m) => m.to.includes(to));
}

const header = (headers: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(headers)?.[1];

async function subscriber(email: string) {
  const { rows } = await db.pool.query(
    `SELECT id::text, email, name, status::text, source::text, consent_ip, confirmed_at, confirm_ip, unsubscribed_at FROM digest_subscribers WHERE email = $1`,
    [email],
  );
  return rows[0];
}

async function events(email: string) {
  const { rows } = await db.pool.query(
    `SELECT e.event, e.source::text, e.ip, e.detail FROM digest_consent_events e JOIN digest_subscribers s ON s.id = e.subscriber_id
     WHERE s.email = $1 ORDER BY e.id`,
    [email],
  );
  return rows;
}

describe('sign up, confirm, unsubscribe', () => {
  it('confirmation email with headers -> confirm page -> confirmed -> welcome with one-click unsubscribe -> one POST unsubscribes', async () => {
    const res = await signUp({ email: '  Reader@Example.ORG ', name: 'Rea', source: 'widget' }).expect(202);
    expect(res.body).toEqual({ status: 'check_your_inbox', message: expect.stringContaining('confirmation email') });
    expect(await subscriber('reader@example.org')).toMatchObject({ status: 'pending', source: 'widget', name: 'Rea', consent_ip: expect.stringMatching(/127\.0\.0\.1/) });

    const [confirmation, ...others] = await caught('reader@example.org');
    expect(others).toEqual([]);
    expect(confirmation!.parsed.subject).toBe('Confirm your subscription to the The Tribune Fund daily digest');
    const listUnsubscribe = header(confirmation!.headers, 'List-Unsubscribe')!;
    expect(listUnsubscribe).toMatch(/^<https:\/\/donate\.test\/digest\/unsubscribe\/[\w-]+\.[\w-]{43}>, <mailto:unsubscribe@donate\.test\?subject=unsubscribe%20[\w.-]+>$/);
    expect(header(confirmation!.headers, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const confirmUrl = /https:\/\/donate\.test\/digest\/confirm\/[\w-]{43}/.exec(confirmation!.parsed.text!)![0];
    expect(confirmation!.parsed.html).toContain(confirmUrl);
    expect(confirmation!.parsed.text).toContain('Unsubscribe: https://donate.test/digest/unsubscribe/');

    // A link scanner fetching the link confirms nothing: the page has a button.
    const page = await request(app).get(local(confirmUrl)).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain(`<form method="post" action="${local(confirmUrl)}"`);
    expect((await subscriber('reader@example.org')).status).toBe('pending');

    const confirmed = await request(app).post(local(confirmUrl)).type('form').send({}).expect(200);
    expect(confirmed.text).toContain('You are subscribed');
    expect(await subscriber('reader@example.org')).toMatchObject({ status: 'confirmed', confirmed_at: expect.any(Date), confirm_ip: expect.stringMatching(/127\.0\.0\.1/) });
    // A second click says so, and changes nothing.
    expect((await request(app).post(local(confirmUrl)).type('form').send({}).expect(200)).text).toContain('You are subscribed');

    const welcome = (await caught('reader@example.org')).at(-1)!;
    expect(welcome.parsed.subject).toBe('You are subscribed to the The Tribune Fund daily digest');
    const oneClick = /^<(https:\/\/donate\.test\/digest\/unsubscribe\/[^>]+)>/.exec(header(welcome.headers, 'List-Unsubscribe')!)![1]!;
    expect(header(welcome.headers, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(welcome.parsed.html).toContain(`href="${oneClick}"`);

    // RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the URL, with no cookie and no token.
    const gone = await request(app).post(local(oneClick)).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(gone.text).toContain('You are unsubscribed');
    expect(await subscriber('reader@example.org')).toMatchObject({ status: 'unsubscribed', unsubscribed_at: expect.any(Date) });
    await request(app).post(local(oneClick)).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(await events('reader@example.org')).toEqual([
      { event: 'signup', source: 'widget', ip: expect.stringMatching(/127\.0\.0\.1/), detail: 'email_sent' },
      { event: 'confirm', source: null, ip: expect.stringMatching(/127\.0\.0\.1/), detail: 'confirm_page' },
      { event: 'unsubscribe', source: null, ip: expect.stringMatching(/127\.0\.0\.1/), detail: 'one_click' },
    ]);
    // The old confirmation link cannot bring the address back.
    expect((await request(app).post(local(confirmUrl)).type('form').send({})).status).toBe(404);
    expect((await subscriber('reader@example.org')).status).toBe('unsubscribed');
  });

  it('the unsubscribe link opened in a browser (GET) shows a button and changes nothing; a forged token opens nothing', async () => {
    await signUp({ email: 'scanner@example.org' }).expect(202);
    const [message] = await caught('scanner@example.org');
    const link = local(/https:\/\/donate\.test\/digest\/unsubscribe\/[\w.-]+/.exec(message!.parsed.text!)![0]);
    const page = await request(app).get(link).expect(200);
    expect(page.text).toContain(`<form method="post" action="${link}"`);
    expect((await subscriber('scanner@example.org')).status).toBe('pending');
    const id = (await subscriber('scanner@example.org')).id as string;
    await request(app).get(`/digest/unsubscribe/${id}.${'A'.repeat(43)}`).expect(404);
    await request(app).post(`/digest/unsubscribe/${id}.${'A'.repeat(43)}`).type('form').send('List-Unsubscribe=One-Click').expect(404);
    await request(app).get('/digest/confirm/not-a-token').expect(404);
    expect((await subscriber('scanner@example.org')).status).toBe('pending');
    // The page's own button (no one-click body) unsubscribes too.
    await request(app).post(link).type('form').send({}).expect(200);
    expect(await events('scanner@example.org')).toMatchObject([{ event: 'signup' }, { event: 'unsubscribe', detail: 'page' }]);
  });
});

describe('abuse', () => {
  it('answers the same for a new, a pending and a confirmed address, and mails an address at most once an hour', async () => {
    const answers = [];
    answers.push(await signUp({ email: 'new@example.org' }));
    answers.push(await signUp({ email: 'new@example.org' }));
    answers.push(await signUp({ email: 'NEW@example.org', source: 'page' }));
    expect(new Set(answers.map((a) => JSON.stringify([a.status, a.body])))).toEqual(new Set([JSON.stringify([202, answers[0]!.body])]));
    expect(await caught('new@example.org')).toHaveLength(1);

    // Confirmed, an hour later: the same answer again; a note that nothing changes, not a new consent.
    const link = /https:\/\/donate\.test\/digest\/confirm\/[\w-]{43}/.exec((await caught('new@example.org'))[0]!.parsed.text!)![0];
    await request(app).post(local(link)).type('form').send({}).expect(200);
    const before = await subscriber('new@example.org');
    now += 3_600_000;
    const again = await signUp({ email: 'new@example.org', name: 'Someone else', source: 'widget' });
    expect([again.status, again.body]).toEqual([202, answers[0]!.body]);
    expect(await subscriber('new@example.org')).toEqual(before);
    const mails = await caught('new@example.org');
    expect(mails.map((m) => m.parsed.subject)).toEqual([
      'Confirm your subscription to the The Tribune Fund daily digest',
      'You are subscribed to the The Tribune Fund daily digest',
      'You are already subscribed to the The Tribune Fund daily digest',
    ]);
    expect(header(mails[2]!.headers, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect((await events('new@example.org')).map((e) => e.detail)).toEqual(['email_sent', 'email_held', 'email_held', 'confirm_page', 'already_confirmed']);
  });

  it('twenty sign-ups of one inbox at once: the same answer to each, one row, one email', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => signUp({ email: 'bombed@example.org' })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM digest_subscribers WHERE email = 'bombed@example.org'`)).rows[0].n).toBe(1);
    expect(await caught('bombed@example.org')).toHaveLength(1);
  });

  it('refuses a bad address, a hidden character in the name and a source clients may not claim, naming the field; writes nothing', async () => {
    for (const [body, field] of [
      [{ email: 'not-an-address' }, 'email'],
      [{ email: `${'a'.repeat(250)}@example.org` }, 'email'],
      [{ email: 'ok@example.org', name: 'Bad\u202Ename' }, 'name'],
      [{ email: 'ok@example.org', source: 'donation_form' }, 'source'],
      [{ email: 'ok@example.org', extra: 1 }, ''],
    ] as const) {
      const res = await signUp(body).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      if (field) expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    await request(app).post('/api/digest/subscriptions').set('Content-Type', 'text/plain').send('ok@example.org').expect(415);
    expect(await subscriber('ok@example.org')).toBeUndefined();
  });

  it('the HTML form answers with a page (the same for every address); the box for article pages answers inside its frame', async () => {
    const page = await request(app).post('/api/digest/subscriptions').type('form').send({ email: 'form@example.org', name: 'Fo', source: 'page' }).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('data-digest-sent');
    const box = await request(app).post('/api/digest/subscriptions').type('form').send({ email: 'box@example.org', source: 'widget' }).expect(200);
    expect(box.headers['x-frame-options']).toBeUndefined();
    expect(box.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(await subscriber('box@example.org')).toMatchObject({ source: 'widget' });
    const bad = await request(app).post('/api/digest/subscriptions').type('form').send({ email: 'nope', source: 'widget' }).expect(400);
    expect(bad.text).toContain('Enter a valid email address.');
    expect(bad.text).toContain('value="nope"');
    // A bot filling the hidden field gets the same page; nothing is kept.
    const bot = await request(app).post('/api/digest/subscriptions').type('form').send({ email: 'bot@example.org', website: 'x' }).expect(200);
    expect(bot.text).toContain('data-digest-sent');
    expect(await subscriber('bot@example.org')).toBeUndefined();
    // The standalone page and the embeddable box.
    expect((await request(app).get('/digest').expect(200)).text).toContain('action="/api/digest/subscriptions"');
    const embed = await request(app).get('/embed/digest').expect(200);
    expect(embed.headers['x-frame-options']).toBeUndefined();
    expect(embed.text).toContain('name="source" value="widget"');
    expect((await request(app).get('/digest')).headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('the donation form\'s box', () => {
  const form = {
    campaign: 'winter', currency: 'usd', frequency: 'once', amount: 'custom', custom_amount: '25', email: 'Giver@Example.org', name: 'Gi',
  };

  it('is unticked on the page; ticked, the donation goes to Checkout and the address gets a confirmation email (source donation_form)', async () => {
    const page = await request(app).get('/campaigns/winter').expect(200);
    expect(page.text).toMatch(/<input type="checkbox" name="digest" value="on" >/);
    const res = await request(app).post('/api/pledges').type('form').send({ ...form, digest: 'on', form_token: 'digestformtoken0001' }).expect(303);
    expect(res.headers.location).toContain(emulator.url);
    expect(await subscriber('giver@example.org')).toMatchObject({ status: 'pending', source: 'donation_form', name: 'Gi' });
    expect((await caught('giver@example.org')).map((m) => m.parsed.subject)).toEqual(['Confirm your subscription to the The Tribune Fund daily digest']);

    // Unticked: nothing. The JSON API takes the same optional field.
    await request(app).post('/api/pledges').type('form').send({ ...form, email: 'nobox@example.org', form_token: 'digestformtoken0002' }).expect(303);
    expect(await subscriber('nobox@example.org')).toBeUndefined();
    await request(app).post('/api/pledges').send({ campaign: 'winter', currency: 'usd', frequency: 'once', amount: 2500, email: 'api@example.org', digest: true }).expect(201);
    expect(await subscriber('api@example.org')).toMatchObject({ source: 'donation_form' });
    expect((await request(app).post('/api/pledges').send({ campaign: 'winter', currency: 'usd', frequency: 'once', amount: 2500, email: 'api@example.org', digest: 'yes' })).body.error.details[0].field).toBe('digest');
  });

  it('a sign-up that fails never fails the donation', async () => {
    await db.pool.query('ALTER TABLE digest_consent_events RENAME TO digest_consent_events_away');
    try {
      await request(app).post('/api/pledges').send({ campaign: 'winter', currency: 'usd', frequency: 'once', amount: 2500, email: 'still@example.org', digest: true }).expect(201);
    } finally {
      await db.pool.query('ALTER TABLE digest_consent_events_away RENAME TO digest_consent_events');
    }
    // The sign-up's transaction rolled back whole: no row, no email.
    expect(await subscriber('still@example.org')).toBeUndefined();
    expect(await outboxRows(db, `to_address = 'still@example.org'`)).toEqual([]);
  });
});

describe('staff export', () => {
  it('subscribers.csv holds the confirmed addresses only, with their consent; behind the admin key', async () => {
    await signUp({ email: 'export@example.org', name: '=HYPERLINK("x")', source: 'widget' }).expect(202);
    const link = /https:\/\/donate\.test\/digest\/confirm\/[\w-]{43}/.exec((await caught('export@example.org'))[0]!.parsed.text!)![0];
    await request(app).post(local(link)).type('form').send({}).expect(200);
    await request(app).get('/api/admin/exports/subscribers.csv').expect(401);
    const { key } = await mintKey(db);
    const res = await request(app).get('/api/admin/exports/subscribers.csv').set(bearer(key)).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="subscribers-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('email,name,consent_at,source,consent_ip,confirmed_at,confirm_ip');
    const rows = lines.slice(1);
    expect(rows.some((r) => r.startsWith('export@example.org,"\'=HYPERLINK(""x"")",'))).toBe(true);
    expect(rows.find((r) => r.startsWith('export@example.org'))).toMatch(/,\d{4}-\d{2}-\d{2}T[\d:.]+Z,widget,[\d.:a-f]+,\d{4}-\d{2}-\d{2}T[\d:.]+Z,[\d.:a-f]+$/);
    // Pending and unsubscribed addresses are not in it.
    const { rows: confirmed } = await db.pool.query(`SELECT email FROM digest_subscribers WHERE status = 'confirmed'`);
    expect(rows).toHaveLength(confirmed.length);
    expect(rows.some((r) => r.startsWith('scanner@') || r.startsWith('reader@') || r.startsWith('giver@'))).toBe(false);
  });
});

describe('rate limit, from many client addresses', () => {
  it('counts sign-ups per client address: one address is held back with a 429, the next is not', async () => {
    const { requestFrom } = await import('../../helpers/source-address.ts');
    const limited = buildApp(db, { config: testConfig({ DIGEST_RATE_LIMIT_PER_MINUTE: '3' }) });
    const server = await listen(limited as never);
    try {
      const post = (from: string, i: number, type = 'application/json') => requestFrom(from, `${server.url}/api/digest/subscriptions`, {
        method: 'POST', headers: { 'Content-Type': type, Accept: type === 'application/json' ? 'application/json' : 'text/html' },
        body: type === 'application/json' ? JSON.stringify({ email: `flood${i}@example.org` }) : `email=flood${i}%40example.org&source=widget`,
      });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await post('127.0.0.2', i)).status);
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
      const refused = await post('127.0.0.2', 9);
      expect(refused.json().error.code).toBe('rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      const page = await post('127.0.0.2', 10, 'application/x-www-form-urlencoded');
      expect([page.status, page.headers['content-type']]).toEqual([429, 'text/html; charset=utf-8']);
      expect(page.body).toContain('Too many sign-ups');
      // Other addresses are not held back by it.
      for (let b = 3; b < 23; b++) expect((await post(`127.0.0.${b}`, 100 + b)).status).toBe(202);
      expect((await db.pool.query(`SELECT count(*)::int AS n FROM digest_subscribers WHERE email LIKE 'flood%'`)).rows[0].n).toBe(23);
    } finally {
      await server.close();
    }
  });

  it('holds back a botnet too: every address under its own limit, all of them together past the service-wide one', async () => {
    const { requestFrom } = await import('../../helpers/source-address.ts');
    const limited = buildApp(db, { config: testConfig({ DIGEST_RATE_LIMIT_PER_MINUTE: '3', DIGEST_RATE_LIMIT_GLOBAL_PER_MINUTE: '5' }) });
    const server = await listen(limited as never);
    try {
      const statuses = [];
      for (let b = 0; b < 8; b++) {
        const res = await requestFrom(`127.0.1.${b + 2}`, `${server.url}/api/digest/subscriptions`, {
          method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ email: `botnet${b}@example.org` }),
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
      expect((await db.pool.query(`SELECT count(*)::int AS n FROM digest_subscribers WHERE email LIKE 'botnet%'`)).rows[0].n).toBe(5);
    } finally {
      await server.close();
    }
  });
});
