// axe-core on every page state, at a phone's width (390 px) and a desktop's (1280 px), in
// Chromium: no violation of any impact. Each state is also saved as a screenshot in
// test-artifacts/screenshots/ (NAME-390.png, NAME-1280.png) for a person to look at.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedTimeToUtc } from '../../src/campaigns/campaign.ts';
import { campaign, mintKey, payment, pledge } from '../integration/admin/admin-fixtures.ts';
import { insertPool } from '../integration/matching/match-pools-helpers.ts';
import { DESKTOP, PHONE, startE2E, type E2E } from './harness.ts';

const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let e2e: E2E;
let paidSession: string;
let paymentId: string;
let unansweredPaymentId: string;
let key: string;

beforeAll(async () => {
  e2e = await startE2E();
  const day = 86_400_000;
  const story = await e2e.db.prisma.campaign.create({
    data: {
      slug: 'story', title: 'Keep independent journalism going: end of year 2026', currency: 'usd', goal: 25_000_000n,
      description: 'Every gift this December pays for reporting that answers to readers, not advertisers.',
      timezone: 'America/New_York', startsAt: new Date(Date.now() - 3 * day), endsAt: new Date(Date.now() + 20 * day),
      presetAmounts: [2500, 5000, 10000, 25000],
      presetImpacts: ['covers a public-records request', 'pays for a day of reporting', 'funds a week of fact-checking', 'sends a reporter to council for a month'],
      monthlyPresetAmounts: [1000, 2000, 3500], monthlyPresetImpacts: ['keeps the newsletter free', 'funds a local story a month', 'pays for court coverage'],
      imageUrl: '/assets/campaign-newsroom.svg', imageAlt: 'Illustration: a city skyline with a newspaper in front of it',
      story: 'For two years we reported without asking readers for money online.\n\nWe answer to readers, not advertisers.',
    },
  });
  await e2e.db.prisma.campaign.create({
    data: {
      slug: 'soon', title: 'Spring drive', currency: 'usd', goal: 1_000_000n, timezone: 'America/New_York', presetAmounts: [2500],
      startsAt: zonedTimeToUtc('2031-03-01T00:00:00', 'America/New_York'), endsAt: zonedTimeToUtc('2031-04-01T00:00:00', 'America/New_York'),
    },
  });
  await e2e.db.prisma.campaign.create({
    data: {
      slug: 'done', title: 'Summer drive', currency: 'usd', goal: 1_000_000n, timezone: 'UTC', presetAmounts: [2500],
      startsAt: new Date('2025-06-01T00:00:00Z'), endsAt: new Date('2025-07-01T00:00:00Z'),
    },
  });
  const gift = await pledge(e2e.db, story, { name: 'Zoë Reader', message: 'Keep going!', amount: 5000 });
  paidSession = gift.checkoutSessionId!;
  await e2e.db.prisma.pledge.update({ where: { id: gift.id }, data: { completedAt: new Date() } });
  paymentId = (await payment(e2e.db, { ...gift, currency: 'usd', amount: 5000 })).id;
  const monthly = await pledge(e2e.db, story, { frequency: 'monthly', amount: 2000, name: 'Mo Monthly', email: 'mo@example.org' });
  await e2e.db.prisma.pledge.update({ where: { id: monthly.id }, data: { stripeSubscriptionId: 'sub_axe', subscriptionStatus: 'active', completedAt: new Date() } });
  await campaign(e2e.db, 'admin-extra');
  // A sponsor matching gifts: the donation page offers the match, the thermometer shows it.
  await insertPool(e2e.db, story.id, { sponsor: 'The Lantern Fund', cap: 500_000, multiplier: 2, qualifies: 'first_time' });
  const minted = await mintKey(e2e.db, 'axe');
  key = minted.key;
  // A second payment whose refund Stripe never answered: its page offers only the retry.
  const asked = await pledge(e2e.db, story, { name: 'Una Answered', amount: 3000 });
  unansweredPaymentId = (await payment(e2e.db, { ...asked, currency: 'usd', amount: 3000 })).id;
  await e2e.db.prisma.refundRequest.create({
    data: { paymentId: unansweredPaymentId, amount: 1000, currency: 'usd', reason: 'Donor asked', requestedBy: minted.id, status: 'requested', error: 'No answer from Stripe: timed out' },
  });
  // The offline gifts tab with an entry (its void form) and a voided one.
  for (const voided of [false, true]) {
    await e2e.db.prisma.offlineGift.create({
      data: {
        campaignId: story.id, amount: 25_000, currency: 'usd', receivedOn: new Date('2026-01-02T00:00:00Z'), method: 'check', reference: '1042',
        donorName: 'Ann Check', email: 'ann@example.org', enteredByKeyId: minted.id, enteredBy: 'axe',
        ...(voided ? { voidedAt: new Date(), voidedByKeyId: minted.id, voidedBy: 'axe', voidReason: 'Entered twice' } : {}),
      },
    });
  }
});
afterAll(() => e2e?.close());

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

async function axe(page: Page): Promise<Violation[]> {
  // page.evaluate runs outside the page's CSP (which refuses inline scripts), so axe can be injected.
  await page.evaluate(await AXE_SOURCE);
  return page.evaluate<Violation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
  })))`);
}

/** Each page state: how to reach it from a fresh page of the given width. */
const STATES: Array<[string, (page: Page, url: string) => Promise<void>]> = [
  ['home', (p, u) => goto(p, `${u}/`)],
  ['campaign', (p, u) => goto(p, `${u}/campaigns/story`)],
  ['campaign-monthly', async (p, u) => {
    await goto(p, `${u}/campaigns/story`);
    await p.getByRole('button', { name: 'Make it monthly' }).click();
  }],
  ['form-errors-inline', async (p, u) => {
    await goto(p, `${u}/campaigns/story`);
    await p.getByRole('radio', { name: 'Other' }).check({ force: true });
    await p.getByLabel(/Other amount/).fill('abc');
    await p.getByLabel('Email').fill('not an email');
    await p.getByRole('button', { name: /^Donate/ }).click();
  }],
  ['form-errors-server', async (p, u) => {
    await goto(p, `${u}/campaigns/story`);
    await p.getByRole('radio', { name: 'Other' }).check({ force: true });
    await p.getByLabel(/Other amount/).fill('0.10');
    await p.getByLabel('Email').fill('not an email');
    // Past donate.js's own checks, as a browser without JavaScript would send it.
    await Promise.all([p.waitForURL(/\/api\/pledges$/), p.evaluate("document.querySelector('[data-donate-form]').submit()")]);
    await p.waitForSelector('#error-summary');
  }],
  ['not-open-yet', (p, u) => goto(p, `${u}/campaigns/soon`)],
  ['closed', (p, u) => goto(p, `${u}/campaigns/done`)],
  ['widget', (p, u) => goto(p, `${u}/embed/campaigns/story`)],
  ['widget-not-open', (p, u) => goto(p, `${u}/embed/campaigns/soon`)],
  ['thanks-paid', (p, u) => goto(p, `${u}/donate/thanks?session_id=${paidSession}`)],
  ['thanks-unknown', (p, u) => goto(p, `${u}/donate/thanks`)],
  ['cancelled', (p, u) => goto(p, `${u}/donate/cancelled?campaign=story&amount=2500`)],
  ['not-found', (p, u) => goto(p, `${u}/no/such/page`)],
  ['admin-sign-in', (p, u) => goto(p, `${u}/admin`)],
  ['admin-dashboard', async (p, u) => signedIn(p, `${u}/admin`)],
  ['admin-payments', async (p, u) => signedIn(p, `${u}/admin/payments?q=zo`)],
  ['admin-payment', async (p, u) => signedIn(p, `${u}/admin/payments/${paymentId}`)],
  ['admin-refund-confirm', async (p, u) => {
    await signedIn(p, `${u}/admin/payments/${paymentId}`);
    await p.getByLabel(/^Reason/).fill('Donor asked');
    await p.getByRole('button', { name: /Review the refund/ }).click();
    await p.waitForURL(/refund\/confirm$/);
  }],
  ['admin-refund-errors', async (p, u) => {
    await signedIn(p, `${u}/admin/payments/${paymentId}`);
    await p.getByLabel(/^Amount/).fill('999');
    await p.getByLabel(/^Reason/).fill('Too much');
    await p.getByRole('button', { name: /Review the refund/ }).click();
    await p.waitForSelector('#error-summary');
  }],
  ['admin-refund-unanswered', async (p, u) => signedIn(p, `${u}/admin/payments/${unansweredPaymentId}`)],
  ['admin-monthly', async (p, u) => signedIn(p, `${u}/admin/monthly`)],
  ['admin-emails', async (p, u) => signedIn(p, `${u}/admin/emails`)],
  ['admin-offline', async (p, u) => signedIn(p, `${u}/admin/offline`)],
  ['admin-offline-errors', async (p, u) => {
    await signedIn(p, `${u}/admin/offline`);
    await p.getByLabel(/^Amount/).fill('12.345');
    await p.getByRole('button', { name: 'Record the gift' }).click();
    await p.waitForSelector('#error-summary');
    await p.locator('#csv').fill('date,amount,method,campaign\n2026-01-01,ten,card,nowhere\n');
    await p.getByRole('button', { name: 'Check the file (dry run)' }).click();
    await p.waitForSelector('#import-problems');
  }],
  ['manage-request', (p, u) => goto(p, `${u}/manage`)],
  ['digest', (p, u) => goto(p, `${u}/digest`)],
  ['digest-errors', async (p, u) => {
    await goto(p, `${u}/digest`);
    await p.getByLabel('Email').fill('not an email');
    // Past the browser's own check, as a browser without it would send it.
    await Promise.all([p.waitForURL(/\/api\/digest\/subscriptions$/), p.evaluate("document.querySelector('.digest-form').submit()")]);
    await p.waitForSelector('[aria-invalid=true]');
  }],
  ['digest-sent', async (p, u) => {
    await goto(p, `${u}/digest`);
    await p.getByLabel('Email').fill('axe@example.org');
    await p.getByRole('button', { name: 'Send me the daily digest' }).click();
    await p.waitForSelector('[data-digest-sent]');
  }],
  ['digest-box', (p, u) => goto(p, `${u}/embed/digest`)],
  ['digest-unsubscribe-invalid', (p, u) => goto(p, `${u}/digest/unsubscribe/nope`)],
  ['admin-campaign-new', async (p, u) => signedIn(p, `${u}/admin/campaigns/new`)],
  ['admin-campaign-errors', async (p, u) => {
    await signedIn(p, `${u}/admin/campaigns/new`);
    await p.getByRole('button', { name: 'Create the campaign' }).click();
    await p.waitForSelector('#error-summary');
  }],
  ['admin-campaign-edit', async (p, u) => signedIn(p, `${u}/admin/campaigns/story/edit`)],
  ['admin-match-pools', async (p, u) => signedIn(p, `${u}/admin/match-pools`)],
  ['admin-match-pool-errors', async (p, u) => {
    await signedIn(p, `${u}/admin/match-pools`);
    await p.getByRole('button', { name: 'Create the pool' }).click();
    await p.waitForSelector('#error-summary');
  }],
];

async function goto(page: Page, url: string) {
  const res = await page.goto(url);
  expect(res, url).not.toBeNull();
}

async function signedIn(page: Page, url: string) {
  await goto(page, url);
  if ((await page.locator('#key').count()) === 1) {
    await page.getByLabel(/Admin key/).fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('.admin-nav');
    await goto(page, url);
  }
}

for (const viewport of [PHONE, DESKTOP]) {
  describe(`every page at ${viewport.width} px`, () => {
    let page: Page;
    beforeAll(async () => {
      page = await e2e.newPage({ viewport });
    });

    for (const [name, reach] of STATES) {
      it(`${name}: no axe violation`, async () => {
        await reach(page, e2e.app.url);
        await page.waitForLoadState('load');
        await e2e.screenshot(page, `${name}-${viewport.width}`);
        const violations = await axe(page);
        expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
      });
    }
  });
}
