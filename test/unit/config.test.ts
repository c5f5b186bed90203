import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, usesStripeEmulator } from '../../src/config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      databaseUrl: undefined,
      emulator: { port: 12111, deliverWebhooks: true },
      trustProxy: 0,
      logLevel: 'info',
    });
    expect(usesStripeEmulator(config)).toBe(true);
  });

  it('derives PUBLIC_URL from PORT and strips a trailing slash from a given one', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://give.example.org/' }).publicUrl).toBe('https://give.example.org');
  });

  it('names every bad variable in one error', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://localhost/db',
      STRIPE_SECRET_KEY: 'pk_test_123',
      STRIPE_EMULATOR_WEBHOOKS: 'maybe',
      PLEDGE_RATE_LIMIT_PER_MINUTE: '-1',
      LOG_LEVEL: 'loud',
    });
    const named = problems.map((p) => p.split(':')[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        'PORT', 'DATABASE_URL', 'STRIPE_SECRET_KEY', 'STRIPE_EMULATOR_WEBHOOKS', 'PLEDGE_RATE_LIMIT_PER_MINUTE', 'LOG_LEVEL',
      ]),
    );
  });

  it('takes METRICS_PORT as a port of its own, never the public one', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '' }).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    for (const bad of ['nine', '0', '70000', '94.5', '-1']) {
      expect(problemsOf({ METRICS_PORT: bad })).toEqual(['METRICS_PORT: must be a port from 1 to 65535']);
    }
    expect(problemsOf({ METRICS_PORT: '3000' })).toEqual([
      'METRICS_PORT: must differ from PORT (metrics without a key must not be on the public port)',
    ]);
    expect(problemsOf({ PORT: '8080', METRICS_PORT: '8080' })[0]).toMatch(/^METRICS_PORT: must differ from PORT/);
  });

  it('refuses production without a database and Stripe keys', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([
      'DATABASE_URL: is required in production',
      'STRIPE_SECRET_KEY: is required in production',
      'STRIPE_WEBHOOK_SECRET: is required in production',
      'SMTP_URL: is required in production (or set RECEIPTS=off to run without email)',
    ]);
  });

  it('never uses the emulator in production, even if asked to point elsewhere', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://db.internal:5432/donations',
      STRIPE_SECRET_KEY: 'sk_live_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
      SMTP_URL: 'smtp://mail.internal:587',
    });
    expect(usesStripeEmulator(config)).toBe(false);
  });

  it('reads the organisation, with defaults an unconfigured laptop can run on', () => {
    expect(loadConfig({}).org).toMatchObject({
      name: 'Our newsroom',
      timeZone: 'UTC',
      accentColor: '#1a5fb4',
      receiptStatement: 'No goods or services were provided in exchange for this contribution.',
      taxId: undefined,
    });
    const org = loadConfig({ ORG_NAME: 'The Ledger', ORG_TIMEZONE: 'America/New_York', ORG_TAX_ID: '12-3456789' }).org;
    expect(org).toMatchObject({ name: 'The Ledger', timeZone: 'America/New_York', taxId: '12-3456789' });
    expect(problemsOf({ ORG_TIMEZONE: 'Mars/Olympus' })[0]).toMatch(/^ORG_TIMEZONE: must be an IANA time zone/);
    expect(problemsOf({ ORG_ACCENT_COLOR: 'red' })[0]).toMatch(/^ORG_ACCENT_COLOR: must be a colour/);
    expect(problemsOf({ ORG_PRIVACY_URL: 'javascript:alert(1)' })[0]).toMatch(/^ORG_PRIVACY_URL/);
  });

  it('treats empty variables as unset, as .env files write them', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it('keeps secrets out of the error message', () => {
    const message = (() => {
      try {
        loadConfig({ STRIPE_SECRET_KEY: 'not-a-key-but-secret-looking-1234' });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain('STRIPE_SECRET_KEY');
    expect(message).not.toContain('secret-looking-1234');
  });
});
