import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://u:p@db:5432/d',
  STRIPE_SECRET_KEY: 'sk_live_abc',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

describe('email configuration', () => {
  it('production refuses to start without SMTP_URL', () => {
    expect(problems(production)).toEqual([expect.stringMatching(/^SMTP_URL: is required in production \(or set RECEIPTS=off/)]);
  });

  it('production without email only when RECEIPTS=off is set explicitly', () => {
    expect(loadConfig({ ...production, RECEIPTS: 'off' }).email).toMatchObject({ enabled: false, smtpUrl: undefined });
    expect(loadConfig({ ...production, SMTP_URL: 'smtp://u:p@mail.example.org:587' }).email).toMatchObject({
      enabled: true,
      smtpUrl: 'smtp://u:p@mail.example.org:587',
    });
  });

  it('outside production, no SMTP_URL is fine (the embedded catcher takes the mail)', () => {
    expect(loadConfig({}).email).toMatchObject({ enabled: true, smtpUrl: undefined });
  });

  it('names a bad value', () => {
    expect(problems({ SMTP_URL: 'http://mail' })).toEqual(['SMTP_URL: must be an smtp:// or smtps:// URL']);
    expect(problems({ RECEIPTS: 'no' })[0]).toMatch(/^RECEIPTS:/);
    expect(problems({ MANAGE_LINK_SECRET: 'short' })).toEqual(['MANAGE_LINK_SECRET: must be at least 32 characters']);
  });

  it('MAIL_FROM defaults to the organisation at the public host', () => {
    expect(loadConfig({ ORG_NAME: 'The "Daily"', PUBLIC_URL: 'https://give.example.org' }).email.from).toBe(
      '"The Daily" <receipts@give.example.org>',
    );
    expect(loadConfig({ MAIL_FROM: 'Gifts <gifts@example.org>' }).email.from).toBe('Gifts <gifts@example.org>');
  });
});
