// The only place the service builds a Stripe client. The API version is pinned here, once: every
// object shape the service reads (and every event Stripe sends to a webhook endpoint created
// with this version) follows it.
import Stripe from 'stripe';
import type { Config } from '../config.ts';

export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

export interface StripeClientOptions {
  secretKey: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  timeoutMs?: number;
  maxNetworkRetries?: number;
}

export function createStripeClient(options: StripeClientOptions): Stripe {
  return new Stripe(options.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    // Retries reuse the request's idempotency key, so a retried create never makes two objects.
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 10_000,
    telemetry: false,
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
    appInfo: { name: 'donations-backend' },
  });
}

export function stripeOptionsFromConfig(config: Config, secretKey: string): StripeClientOptions {
  return {
    secretKey,
    host: config.stripe.apiHost,
    port: config.stripe.apiPort,
    protocol: config.stripe.apiProtocol,
  };
}
