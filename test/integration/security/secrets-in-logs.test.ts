// Admin keys and the webhook secret never reach the logs: every line written while keys are
// minted, used (good, bad, revoked, through the API and the dashboard), while signed webhooks are
// delivered and applied, while the emulator makes its own secret, and while configuration is
// refused, is captured at the most verbose level and searched for them.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminKeyRepository } from '../../../src/admin/admin-key-repository.ts';
import { createAdminKeyService } from '../../../src/admin/admin-key-service.ts';
import { ConfigError, loadConfig } from '../../../src/config.ts';
import { setUpStripe } from '../../../src/stripe/stripe-setup.ts';
import { buildApp, captureLogs, TEST_WEBHOOK_SECRET, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { startHarness } from '../webhooks/webhook-harness.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertCampaign(db, { slug: 'logs' });
});
afterAll(async () => {
  await db.drop();
});

/** A secret shows up whole, or as its random part (anything past the prefix). */
function expectAbsent(lines: string[], secret: string) {
  const text = lines.join('\n');
  expect(lines.length).toBeGreaterThan(0);
  expect(text).not.toContain(secret);
  const body = secret.replace(/^(dk_live_|whsec_|sk_(test|live)_)/, '');
  expect(text).not.toContain(body.slice(0, 16));
}

describe('admin keys', () => {
  it('are never logged when minted, used, refused, revoked, or used to sign in to the dashboard', async () => {
    const { lines, logger } = captureLogs('trace');
    const keys = createAdminKeyService({ keys: createAdminKeyRepository(db), logger });
    const { key, record } = await keys.create('logged');
    const { key: revoked, record: revokedRecord } = await keys.create('to revoke');
    await keys.revoke(revokedRecord.id);
    const app = buildApp(db, { logger });

    await request(app).get('/api/admin/pledges').set('Authorization', `Bearer ${key}`).expect(200);
    await request(app).get('/api/admin/pledges?limit=abc').set('Authorization', `Bearer ${key}`).expect(400);
    await request(app).get('/api/admin/pledges').set('Authorization', `Bearer ${revoked}`).expect(401);
    await request(app).get('/api/admin/pledges').set('Authorization', `Bearer ${key}x`).expect(401);
    await request(app).get('/api/admin/pledges').set('Authorization', `Basic ${Buffer.from(`admin:${key}`).toString('base64')}`).expect(401);
    // A key pasted where it does not belong: in the URL, which is logged.
    await request(app).get(`/api/admin/pledges?key=${key}`).expect(401);
    await request(app).post('/api/admin/campaigns').set('Authorization', `Bearer ${key}`).send({ slug: key }).expect(400);
    // The dashboard sign-in form carries the key in its body.
    await request(app).post('/admin/sign-in').type('form').send({ key });
    await request(app).post('/admin/sign-in').type('form').send({ key: revoked });
    await request(app).post('/api/pledges').send({ campaign: 'logs', amount: 2500, currency: 'usd', frequency: 'once', email: key });

    expect(lines.some((l) => l.includes(record.id))).toBe(true); // the key's id is what identifies it
    expect(lines.some((l) => l.includes('?key=dk_live_[redacted]'))).toBe(true);
    expectAbsent(lines, key);
    expectAbsent(lines, revoked);
  });
});

describe('the webhook secret', () => {
  it('is never logged while signed deliveries are received, refused and applied', async () => {
    const { lines, logger } = captureLogs('trace');
    const h = await startHarness(db, { logger });
    try {
      const { checkoutSessionId } = await h.pledge({ campaign: 'logs', amount: 2500 });
      await h.helper(`/v1/test_helpers/checkout/sessions/${checkoutSessionId}/pay`, { outcome: 'succeeded' });
      await expect.poll(async () => (await db.prisma.payment.count()) > 0, { timeout: 10_000 }).toBe(true);
      await request(h.url).post('/webhooks/stripe').set('Stripe-Signature', `t=1,v1=${TEST_WEBHOOK_SECRET}`).send('{}').expect(400);
      await request(h.url).post('/webhooks/stripe').send('{"id":"evt_x"}').expect(400);
    } finally {
      await h.close();
    }
    expect(lines.some((l) => /"eventType":"checkout.session.completed"/.test(l))).toBe(true);
    expectAbsent(lines, TEST_WEBHOOK_SECRET);
  });

  it('is never logged when the emulator makes one, nor with the Stripe key when Stripe is configured', async () => {
    const { lines, logger } = captureLogs('trace');
    const emulated = await setUpStripe(testConfig({ STRIPE_WEBHOOK_SECRET: '', STRIPE_EMULATOR_PORT: '0', LOG_LEVEL: 'trace' }), logger);
    await emulated.stop();
    expect(emulated.webhookSecret).toMatch(/^whsec_/);
    expectAbsent(lines, emulated.webhookSecret);

    const secretKey = 'sk_live_51Hsecretsecretsecret0123456789';
    const real = await setUpStripe(testConfig({ STRIPE_SECRET_KEY: secretKey, NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', RECEIPTS: 'off' }), logger);
    await real.stop();
    const smtpPassword = 'smtp-password-0123456789';
    const linkSecret = 'manage-link-secret-0123456789-abcdef';
    logger.info(
      { config: testConfig({ STRIPE_SECRET_KEY: secretKey, SMTP_URL: `smtp://mailer:${smtpPassword}@mail.example.org:587`, MANAGE_LINK_SECRET: linkSecret }) },
      'config as a careless line would log it',
    );
    expectAbsent(lines, secretKey);
    expectAbsent(lines, smtpPassword);
    expectAbsent(lines, linkSecret);
    expectAbsent(lines, TEST_WEBHOOK_SECRET);
  });
});

describe('configuration errors', () => {
  it.each([
    ['a malformed Stripe key', { STRIPE_SECRET_KEY: 'sk_live_has a space and-dashes-0123456789' }, 'sk_live_has a space'],
    ['a malformed webhook secret', { STRIPE_WEBHOOK_SECRET: 'whsec_bad secret!0123456789' }, 'whsec_bad secret'],
    ['a database URL with a password, wrong scheme', { DATABASE_URL: 'mysql://admin:hunter2-password@db/x' }, 'hunter2'],
    ['a Stripe key in production without a webhook secret', { NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_abcdef0123456789', STRIPE_WEBHOOK_SECRET: '' }, 'sk_live_abcdef0123456789'],
  ])('%s: the error names the variable, never its value', (_label, env, secret) => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'test', ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain(secret);
    expect(JSON.stringify((error as ConfigError).problems)).not.toContain(secret);
  });
});
