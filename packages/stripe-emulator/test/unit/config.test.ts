import { describe, expect, it } from 'vitest';
import { EmulatorConfigError, loadEmulatorConfig } from '../../src/config.ts';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadEmulatorConfig(env);
  } catch (err) {
    if (err instanceof EmulatorConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the configuration to be refused');
}

describe('the standalone emulator configuration', () => {
  it('defaults to port 12111, webhooks on, no chaos', () => {
    expect(loadEmulatorConfig({})).toEqual({
      logLevel: 'info',
      port: 12111,
      host: '127.0.0.1',
      publicUrl: undefined,
      webhookSecret: undefined,
      deliverWebhooks: true,
      webhookUrls: [],
      retryDelaysMs: undefined,
      chaos: { duplicate: 0, reorder: false },
      maxInFlight: undefined,
    });
  });

  it('reads every knob the chaos run and the load balancer set-up give it', () => {
    const config = loadEmulatorConfig({
      STRIPE_EMULATOR_PORT: '0',
      STRIPE_EMULATOR_WEBHOOKS: 'OFF',
      STRIPE_EMULATOR_WEBHOOK_URLS: ' http://a.test/webhooks/stripe , ,http://b.test/webhooks/stripe',
      STRIPE_EMULATOR_RETRY_DELAYS_MS: '10, 20,0',
      STRIPE_EMULATOR_DUPLICATE_RATE: '1.5',
      STRIPE_EMULATOR_REORDER: 'yes',
      STRIPE_EMULATOR_MAX_IN_FLIGHT: '16',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 0,
      deliverWebhooks: false,
      webhookUrls: ['http://a.test/webhooks/stripe', 'http://b.test/webhooks/stripe'],
      retryDelaysMs: [10, 20, 0],
      chaos: { duplicate: 1.5, reorder: true },
      maxInFlight: 16,
      webhookSecret: 'whsec_x',
      logLevel: 'warn',
    });
  });

  it('names every bad variable at once', () => {
    expect(
      problems({
        STRIPE_EMULATOR_PORT: '70000',
        STRIPE_EMULATOR_WEBHOOKS: 'maybe',
        STRIPE_EMULATOR_WEBHOOK_URLS: 'not a url',
        STRIPE_EMULATOR_RETRY_DELAYS_MS: '10,-1',
        STRIPE_EMULATOR_DUPLICATE_RATE: '6',
        STRIPE_EMULATOR_MAX_IN_FLIGHT: '0',
        LOG_LEVEL: 'loud',
      }).map((p) => p.split(':')[0]),
    ).toEqual([
      'LOG_LEVEL',
      'STRIPE_EMULATOR_PORT',
      'STRIPE_EMULATOR_WEBHOOKS',
      'STRIPE_EMULATOR_WEBHOOK_URLS.0',
      'STRIPE_EMULATOR_RETRY_DELAYS_MS.1',
      'STRIPE_EMULATOR_DUPLICATE_RATE',
      'STRIPE_EMULATOR_MAX_IN_FLIGHT',
    ]);
  });
});
