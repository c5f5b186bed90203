// Everything a browser test needs, real: PostgreSQL, the app on a port with live progress, the
// Stripe emulator delivering signed webhooks to it, and Chromium from Debian.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createProgressHub, type ProgressHub } from '../../src/campaigns/progress-hub.ts';
import { createLogger } from '../../src/logger.ts';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, listen, startEmulator, testConfig } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

export const ARTIFACTS = path.resolve('test-artifacts/screenshots');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export interface E2E {
  db: TestDatabase;
  emulator: StripeEmulator;
  app: Awaited<ReturnType<typeof listen>>;
  browser: Browser;
  /** Waits until the emulator has no delivery in flight and the app no fee to read. */
  settle(): Promise<void>;
  newPage(options?: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } }): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
  const db = await createTestDatabase();
  const hub: ProgressHub = createProgressHub({ url: db.url, logger: createLogger('silent') });
  let handler: ReturnType<typeof buildApp> | undefined;
  const app = await listen((req, res) => handler!(req, res));
  const emulator = await startEmulator({ webhookUrls: [`${app.url}/webhooks/stripe`], deliverWebhooks: true });
  handler = buildApp(db, {
    stripe: emulatorStripe(emulator),
    checkoutOrigin: emulator.url,
    progressHub: hub,
    config: testConfig({ PUBLIC_URL: app.url }),
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  const contexts: BrowserContext[] = [];
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    db,
    emulator,
    app,
    browser,
    async settle() {
      await emulator.flushDeliveries();
      await handler!.fees.idle();
    },
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? DESKTOP,
        javaScriptEnabled: options.javaScriptEnabled ?? true,
        acceptDownloads: true,
      });
      contexts.push(context);
      return context.newPage();
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close().catch(() => {})));
      await browser.close();
      await emulator.stop();
      await app.close();
      await hub.close();
      await db.drop();
    },
  };
}

/** Staff sign in on the dashboard with an admin key; resolves on the dashboard. */
export async function signInStaff(e2e: Pick<E2E, 'app'>, page: Page, key: string): Promise<void> {
  await page.goto(`${e2e.app.url}/admin`);
  await page.getByLabel(/Admin key/).fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('h1:text("Dashboard")');
}
