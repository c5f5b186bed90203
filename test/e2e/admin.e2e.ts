// Staff in a browser: sign in with a key, see the chart, and use every button and link on the
// dashboard in Chromium (its real Sec-Fetch-Site / Origin / Referrer-Policy behaviour, which is
// what refused every dashboard form before); sign-out ends the session for every copy of the
// cookie; a form on another site cannot act for a signed-in staff member.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cookie, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { campaign, mintKey, payment, pledge } from '../integration/admin/admin-fixtures.ts';
import { insertCampaign } from '../helpers/factories.ts';
import { DESKTOP, PHONE, signInStaff, startE2E, type E2E } from './harness.ts';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(() => e2e?.close());
beforeEach(() => e2e.db.pool.query('TRUNCATE campaigns, pledges, payments, campaign_total_shards, webhook_events, admin_sessions CASCADE'));

const signIn = (page: Page, key: string) => signInStaff(e2e, page, key);

/**
 * A checkout.session.completed that could not be applied when it came (the database was down),
 * shaped like Stripe's own payload (test/fixtures/stripe) and naming a pledge of ours.
 */
async function failedCheckoutEvent(p: { id: string; amount: number; checkoutSessionId: string | null }, eventId: string) {
  const fixture = JSON.parse(await readFile('test/fixtures/stripe/checkout.session.completed.payment.json', 'utf8'));
  const object = {
    ...fixture.data.object,
    id: p.checkoutSessionId, amount_total: p.amount, amount_subtotal: p.amount, currency: 'usd', mode: 'payment',
    payment_status: 'paid', status: 'complete', payment_intent: `pi_${eventId}`, subscription: null, invoice: null,
    client_reference_id: p.id, metadata: { pledge_id: p.id },
  };
  const payload = { ...fixture, id: eventId, livemode: false, created: Math.floor(Date.now() / 1000), data: { object } };
  await e2e.db.prisma.webhookEvent.create({
    data: {
      id: eventId, type: 'checkout.session.completed', payload, status: 'failed', attempts: 3, objectId: p.checkoutSessionId,
      lastError: 'Connection terminated unexpectedly', stripeCreatedAt: new Date(),
    },
  });
}

it('signs in, shows totals and the daily chart, and fits a phone', async () => {
  const c = await campaign(e2e.db, 'year-end');
  for (const [day, amount] of [['01', 2500], ['03', 10000], ['03', 5000]] as const) {
    const p = await pledge(e2e.db, c, { name: `Donor ${day}` });
    await payment(e2e.db, { ...p, currency: 'usd', amount }, { paidAt: new Date(`2026-11-${day}T15:00:00Z`) });
  }
  const { key } = await mintKey(e2e.db, 'e2e');
  const page = await e2e.newPage({ viewport: DESKTOP });
  await page.goto(`${e2e.app.url}/admin`);
  await e2e.screenshot(page, 'admin-sign-in');
  await signIn(page, key);
  await page.waitForSelector('[data-chart]');
  expect(await page.locator('[data-total=raised]').first().textContent()).toBe('$175');
  const bars = page.locator('[data-chart] rect.chart-bar[data-raised="15000"]');
  expect(await bars.count()).toBe(1);
  await e2e.screenshot(page, 'admin-dashboard-desktop');
  await page.setViewportSize(PHONE);
  await e2e.screenshot(page, 'admin-dashboard-phone');
});

it('every button and link on the dashboard reaches the page a user expects', async () => {
  const c = await campaign(e2e.db, 'spring');
  await payment(e2e.db, { ...(await pledge(e2e.db, c, { name: 'Paid Donor' })), currency: 'usd', amount: 2500 });
  const waiting = await pledge(e2e.db, c, { name: 'Replay Donor', status: 'pending', amount: 4200, email: 'replay@example.org' });
  await failedCheckoutEvent(waiting, 'evt_e2e_replay_1');
  const { key } = await mintKey(e2e.db, 'e2e-clicks');
  const page = await e2e.newPage({ viewport: DESKTOP });
  await signIn(page, key);
  await e2e.screenshot(page, 'admin-before-clicks');

  // The inventory of everything clickable in the page: each one is used below, none is skipped.
  const controls = await page.locator('main a, main button').evaluateAll((els) =>
    els.map((e) => `${e.tagName.toLowerCase()}:${(e.textContent ?? '').trim().replace(/\s+/g, ' ')}`),
  );
  const used: string[] = [];

  const exportLinks = page.locator('main a[href^="/admin/exports/"]');
  const hrefs = await exportLinks.evaluateAll((els) => els.map((e) => e.getAttribute('href')!));
  expect(hrefs).toEqual(['/admin/exports/payments.csv?campaign=spring', '/admin/exports/pledges.csv?campaign=spring', '/admin/exports/subscribers.csv']);
  /** Clicks something that downloads a CSV and checks the file; the page stays where it is. */
  async function download(control: ReturnType<Page['locator']>, kind: string, expectBom = false) {
    const [file] = await Promise.all([page.waitForEvent('download'), control.click()]);
    expect(file.suggestedFilename(), kind).toMatch(new RegExp(`^${kind}-.*\\.csv$`));
    const bytes = await readFile((await file.path())!);
    expect(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, `${kind} BOM`).toBe(expectBom);
    const csv = bytes.toString('utf8').replace(/^\uFEFF/, '');
    expect(csv.split('\n')[0], kind).toMatch({ payments: /^payment_id,/, pledges: /^pledge_id,/, payouts: /^payout_id,/, offline: /^gift_id,/, subscribers: /^email,name,consent_at,source,consent_ip,confirmed_at,confirm_ip$/ }[kind]!);
    if (kind === 'payments') expect(csv).toContain('25.00');
    if (kind === 'pledges') expect(csv).toContain('replay@example.org');
    expect(page.url()).toBe(`${e2e.app.url}/admin`); // a download, not a navigation away
    used.push(`${await control.evaluate((e) => e.tagName.toLowerCase())}:${(await control.textContent())!.trim()}`);
  }
  for (let i = 0; i < hrefs.length; i++) await download(exportLinks.nth(i), /exports\/(\w+)\.csv/.exec(hrefs[i]!)![1]!);
  // The export form: a campaign, a day range and CSV for Excel.
  await page.getByLabel('Campaign', { exact: true }).selectOption('spring');
  await page.getByLabel(/^From/).fill('2020-01-01');
  await page.getByLabel(/^To/).fill('2099-12-31');
  await page.getByLabel('Format').selectOption('excel');
  for (const kind of ['payments', 'pledges', 'payouts', 'offline']) {
    await download(page.locator(`.export-form button[value=${kind}]`), kind, true);
  }

  // Every page the dashboard links to opens, then Back returns to the dashboard.
  for (const link of await page.locator('main a[href^="/admin/"]:not([href^="/admin/exports/"])').all()) {
    const name = (await link.textContent())!.trim().replace(/\s+/g, ' ');
    const href = (await link.getAttribute('href'))!;
    await link.click();
    await page.waitForURL(`${e2e.app.url}${href}`);
    expect(await page.locator('h1').first().textContent(), href).not.toBe('Dashboard');
    expect(await page.locator('.summary, [data-status]').count(), href).toBe(0);
    used.push(`a:${name}`);
    await page.goBack();
    await page.waitForURL(`${e2e.app.url}/admin`);
  }
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.waitForURL(`${e2e.app.url}/admin`);
  used.push('a:Overview');
  expect(used.filter((u) => u.startsWith('a:'))).toEqual(expect.arrayContaining(['a:Payments', 'a:Monthly donors', 'a:Offline gifts', 'a:New campaign', 'a:Edit campaign']));

  // Replay: the failed event is applied, the dashboard says so, and the payment shows.
  const replay = page.getByRole('button', { name: 'Replay' });
  expect(await replay.count()).toBe(1);
  await replay.click();
  await page.waitForURL(/\/admin\?replayed=evt_e2e_replay_1/);
  expect(await page.locator('h1').first().textContent()).toBe('Dashboard');
  expect(await page.getByRole('status').textContent()).toBe('Replayed evt_e2e_replay_1: processed');
  expect(await page.locator('#failed ~ p').textContent()).toContain('None');
  expect(await page.locator('table').textContent()).toContain('Replay Donor');
  expect(await page.locator('[data-total=raised]').textContent()).toBe('$67');
  used.push('button:Replay');
  await e2e.screenshot(page, 'admin-after-replay');

  // The navigation (its links are counted above): each section marks itself current, the Emails tab inside the same frame.
  for (const [tab, heading] of [['Monthly donors', 'Monthly donors'], ['Emails', 'Emails'], ['Payments', 'Payments'], ['Overview', 'Dashboard']] as const) {
    await page.locator('nav.admin-nav').getByRole('link', { name: tab }).click();
    await page.waitForSelector(`h1:text("${heading}")`);
    expect(await page.locator('nav.admin-nav [aria-current=page]').textContent()).toBe(tab);
  }

  // Sign out, keeping a copy of the cookie as someone might (a shared machine, a stolen jar).
  const before: Cookie[] = await page.context().cookies();
  expect(before.map((k) => k.name)).toContain('admin_session');
  const signOut = page.getByRole('button', { name: /Sign out/ });
  used.push(`button:${(await signOut.textContent())!.trim()}`);
  await signOut.click();
  await page.waitForURL(/\/admin\?signed_out=1$/);
  expect(await page.locator('h1').textContent()).toBe('Admin sign-in');
  expect(await page.getByRole('status').textContent()).toBe('You have signed out.');
  expect((await page.context().cookies()).map((k) => k.name)).not.toContain('admin_session');
  await e2e.screenshot(page, 'admin-signed-out');

  expect(used.sort()).toEqual(controls.sort());

  // The copied cookie, in another browser: the sign-in page, and no export.
  const thief = await e2e.newPage({ viewport: DESKTOP });
  await thief.context().addCookies(before);
  await thief.goto(`${e2e.app.url}/admin`);
  expect(await thief.locator('h1').textContent()).toBe('Admin sign-in');
  const csv = await thief.context().request.get(`${e2e.app.url}/admin/exports/pledges.csv`);
  expect(csv.status()).toBe(401);
  expect(await csv.text()).not.toContain('replay@example.org');
  await e2e.screenshot(thief, 'admin-copied-cookie-after-sign-out');
});

it('a form on another site cannot sign staff out or replay an event, even knowing the token', async () => {
  const c = await campaign(e2e.db, 'autumn');
  const waiting = await pledge(e2e.db, c, { status: 'pending', amount: 1500 });
  await failedCheckoutEvent(waiting, 'evt_e2e_hostile_1');
  const { key } = await mintKey(e2e.db, 'e2e-hostile');
  const page = await e2e.newPage({ viewport: DESKTOP });
  await signIn(page, key);
  const token = await page.locator('input[name=csrf]').first().inputValue();

  // Another site (localhost is not 127.0.0.1) with the two dashboard forms, token filled in.
  const evil = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><title>Win a prize</title>
<form id="out" method="post" action="${e2e.app.url}/admin/sign-out"><input name="csrf" value="${token}"><button>Claim</button></form>
<form id="replay" method="post" action="${e2e.app.url}/admin/webhook-events/evt_e2e_hostile_1/replay"><input name="csrf" value="${token}"><button>Claim 2</button></form>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  try {
    const evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
    for (const form of ['out', 'replay']) {
      await page.goto(evilUrl);
      await Promise.all([page.waitForURL(`${e2e.app.url}/**`), page.locator(`#${form} button`).click()]);
      expect(await page.locator('h1').textContent(), form).not.toBe('Dashboard');
    }
    await e2e.screenshot(page, 'admin-cross-site-refused');
    // Still signed in, and nothing replayed.
    await page.goto(`${e2e.app.url}/admin`);
    expect(await page.locator('h1').first().textContent()).toBe('Dashboard');
    const event = await e2e.db.prisma.webhookEvent.findUniqueOrThrow({ where: { id: 'evt_e2e_hostile_1' } });
    expect(event).toMatchObject({ status: 'failed', attempts: 3 });
  } finally {
    evil.close();
  }
});

it('finance finds a payment, refunds part of it with a reason, and the total moves only when Stripe’s webhook lands', async () => {
  await insertCampaign(e2e.db, { slug: 'refunds', goal: 100_000, presetAmounts: [2500, 5000] });
  // A real donation through the pages, Checkout and the webhook.
  const donor = await e2e.newPage();
  await donor.goto(`${e2e.app.url}/campaigns/refunds`);
  await donor.getByLabel('$50').check({ force: true });
  await donor.getByLabel('Email').fill('refund-me@example.org');
  await donor.getByLabel('Name').first().fill('Rita Refund');
  await donor.getByRole('button', { name: /^Donate/ }).click();
  await donor.waitForURL(/\/checkout\/cs_/);
  await donor.locator('#pay').click();
  await donor.waitForURL(/\/donate\/thanks/);
  await e2e.settle();

  const { key } = await mintKey(e2e.db, 'finance-ann');
  const page = await e2e.newPage({ viewport: DESKTOP });
  await signIn(page, key);
  expect(await page.locator('[data-campaign=refunds] [data-total=raised]').textContent()).toBe('$50');
  await page.getByRole('link', { name: 'Payments', exact: true }).click();
  await page.getByLabel(/Search payments/).fill('rita');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=rita/);
  expect(await page.locator('tbody tr').count()).toBe(1);
  await e2e.screenshot(page, 'admin-payments-search-desktop');
  // By Stripe id too.
  const charge = (await e2e.db.prisma.payment.findFirstOrThrow()).stripeChargeId!;
  await page.getByLabel(/Search payments/).fill(charge);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(new RegExp(`q=${charge}`));
  await page.locator('tbody tr a').click();
  expect(await page.locator('main').textContent()).toContain(charge);
  await e2e.screenshot(page, 'admin-payment-desktop');

  await page.getByLabel(/^Amount/).fill('20');
  await page.getByLabel(/^Reason/).fill('Donor asked: gave twice');
  await page.getByRole('button', { name: /Review the refund/ }).click();
  expect(await page.locator('h2').first().textContent()).toBe('Refund $20 to Rita Refund?');
  await e2e.screenshot(page, 'admin-refund-confirm-desktop');
  e2e.emulator.pauseDeliveries();
  try {
    await page.getByRole('button', { name: 'Refund $20' }).click();
    await page.waitForURL(/notice=/);
    expect(await page.getByRole('status').textContent()).toContain('when Stripe confirms it');
    // Asked of Stripe and recorded with who and why; the ledger has not moved yet.
    const asked = await e2e.db.prisma.refundRequest.findFirstOrThrow({ include: { adminKey: true } });
    expect({ amount: asked.amount, reason: asked.reason, by: asked.adminKey.label }).toEqual({ amount: 2000, reason: 'Donor asked: gave twice', by: 'finance-ann' });
    expect(asked.stripeRefundId).toMatch(/^re_/);
    expect((await e2e.db.prisma.payment.findFirstOrThrow()).amountRefunded).toBe(0);
  } finally {
    e2e.emulator.resumeDeliveries();
  }
  await e2e.settle();
  expect((await e2e.db.prisma.payment.findFirstOrThrow()).amountRefunded).toBe(2000);
  await page.reload();
  expect(await page.locator('[data-row=refunded] dd').textContent()).toBe('$20');
  expect(await page.locator('#amount').inputValue()).toBe('30.00');
  await e2e.screenshot(page, 'admin-payment-refunded-desktop');
  await page.goto(`${e2e.app.url}/admin`);
  expect(await page.locator('[data-campaign=refunds] [data-total=raised]').textContent()).toBe('$30');
});

it('staff create a campaign through the form, and its donation page shows what they wrote', async () => {
  const { key } = await mintKey(e2e.db, 'e2e-campaigns');
  const page = await e2e.newPage({ viewport: PHONE });
  await signIn(page, key);
  await page.getByRole('link', { name: 'New campaign' }).click();
  await page.getByLabel(/^Address/).fill('spring-drive');
  await page.getByLabel('Title', { exact: true }).fill('Spring drive');
  await page.getByLabel(/^Summary/).fill('Fund the spring investigations.');
  await page.getByLabel(/^Goal/).fill('20,000');
  await page.getByLabel(/^Time zone/).fill('Europe/Dublin');
  await page.getByLabel(/^Opens on/).fill('2026-01-01');
  await page.getByLabel(/^Last day/).fill('2099-12-31');
  await page.getByLabel(/^One-time presets/).fill('15, 40');
  await page.getByLabel(/^Impact lines for one-time/).fill('buys a court transcript\npays for a day of reporting');
  await page.getByLabel(/^Story/).fill('Paragraph one.\n\nParagraph two.');
  await e2e.screenshot(page, 'admin-campaign-form-phone');
  await page.getByRole('button', { name: 'Create the campaign' }).click();
  await page.waitForURL(/\/admin\/campaigns\/spring-drive\/edit\?notice=/);
  expect(await page.getByRole('status').textContent()).toContain('Saved.');
  await page.goto(`${e2e.app.url}/campaigns/spring-drive`);
  expect(await page.locator('h1').textContent()).toBe('Spring drive');
  expect(await page.getByText('buys a court transcript').isVisible()).toBe(true);
  expect(await page.locator('.story p').allTextContents()).toEqual(['Paragraph one.', 'Paragraph two.']);
  expect(await page.locator('[data-submit]').textContent()).toBe('Donate $40');
});

it('staff create a match pool in the dashboard, see its cap, allocated and remaining, edit and close it', async () => {
  const c = await campaign(e2e.db, 'matching');
  const { key } = await mintKey(e2e.db, 'e2e-matching');
  const page = await e2e.newPage({ viewport: DESKTOP });
  await signIn(page, key);
  await page.getByRole('link', { name: 'Match pools' }).click();
  await page.waitForURL(/\/admin\/match-pools$/);
  await page.getByLabel('Campaign', { exact: true }).selectOption('matching');
  await page.getByRole('button', { name: 'Create the pool' }).click();
  expect(await page.locator('#error-summary').textContent()).toContain('Must not be empty');
  await e2e.screenshot(page, 'admin-match-pool-errors-desktop');
  await page.getByLabel('Campaign', { exact: true }).selectOption('matching');
  await page.getByLabel(/^Sponsor/).fill('The Lantern Fund');
  await page.getByLabel(/^Cap \(/).fill('5,000');
  await page.getByLabel(/^Multiplier/).fill('2');
  await page.getByLabel('Who qualifies').selectOption('first_time');
  await page.getByRole('button', { name: 'Create the pool' }).click();
  await page.waitForURL(/\/admin\/match-pools\?notice=/);
  expect(await page.getByRole('status').textContent()).toContain('Saved the match pool of The Lantern Fund.');
  const pool = await e2e.db.prisma.matchPool.findFirstOrThrow({ where: { campaignId: c.id } });
  // A gift matched since: the page shows what is allocated and what is left.
  await e2e.db.prisma.matchPool.update({ where: { id: pool.id }, data: { allocated: 120_000n } });
  await page.reload();
  const row = page.locator(`[data-pool="${pool.id}"]`);
  expect(await row.locator('[data-field=cap]').textContent()).toBe('$5,000');
  expect(await row.locator('[data-field=allocated]').textContent()).toBe('$1,200');
  expect(await row.locator('[data-field=remaining]').textContent()).toBe('$3,800');
  await e2e.screenshot(page, 'admin-match-pools-desktop');

  await row.getByRole('link', { name: /Edit/ }).click();
  await page.getByLabel(/^Cap \(/).fill('1000');
  await page.getByRole('button', { name: 'Save the pool' }).click();
  expect(await page.locator('#cap-error').textContent()).toContain('at least the 120000 already allocated');
  await page.getByLabel(/^Cap \(/).fill('6000');
  await page.getByRole('button', { name: 'Save the pool' }).click();
  await page.waitForURL(/\/admin\/match-pools\?notice=/);
  expect(await row.locator('[data-field=remaining]').textContent()).toBe('$4,800');
  await row.getByRole('button', { name: /Close/ }).click();
  await page.waitForURL(/\/admin\/match-pools\?notice=/);
  expect(await row.textContent()).toContain('Closed');
  expect(await row.getByRole('button', { name: /Close/ }).count()).toBe(0);
  await e2e.screenshot(page, 'admin-match-pools-closed-desktop');
});
