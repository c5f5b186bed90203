import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import Stripe from 'stripe';
import { createCheckoutPageRouter } from './checkout-page.ts';
import { createPortalPageRouter, registerPortalRoutes, type PortalSessions } from './routes-portal.ts';
import type { EmulatorContext, EmulatorLogger, FeeModel } from './context.ts';
import { createEmitter } from './events.ts';
import { sweepExpiredSessions } from './flows-checkout.ts';
import { settleBalances } from './flows-payments.ts';
import { createFaultList, specFromFailureMode, type FailureMode, type Fault, type FaultSpec } from './faults.ts';
import { createApiRouter, notFoundHandler, type HttpControls, type RecordedRequest } from './http.ts';
import { newId } from './ids.ts';
import { registerBillingRoutes } from './routes-billing.ts';
import { registerCheckoutRoutes } from './routes-checkout.ts';
import { registerEventRoutes } from './routes-events.ts';
import { registerPaymentRoutes } from './routes-payments.ts';
import { registerLifecycleHelperRoutes } from './routes-lifecycle-helpers.ts';
import { registerTestHelperRoutes } from './routes-test-helpers.ts';
import { createStore } from './store.ts';
import { createDeliverer, DEFAULT_RETRY_DELAYS_MS, type DeliveryChaos } from './webhooks.ts';

export type { FailureMode, Fault, FaultSpec, RecordedRequest, DeliveryChaos, EmulatorLogger, FeeModel };
export { signPayload } from './webhooks.ts';

export interface EmulatorOptions {
  /** 0 = pick a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (the emulator is never meant to be reachable from outside). */
  host?: string;
  /** whsec_... used to sign deliveries. */
  webhookSecret: string;
  /** Deliveries are spread over these round robin, like a load balancer; empty = store events only. */
  webhookUrls: string[];
  /** false = events are only listed by GET /v1/events. */
  deliverWebhooks: boolean;
  /** Base URL for hosted checkout links; default http://127.0.0.1:<port>. */
  publicUrl?: string;
  logger?: EmulatorLogger;
  /** Stripe-like backoff between delivery attempts; tests pass short delays. */
  retry?: { delaysMs: number[] };
  /** Deliveries in flight at once (default 8), for load tests. */
  maxInFlight?: number;
  /** Stripe fee on charges; default 290 bps + 30 minor units. */
  feeModel?: FeeModel;
  /** Clock in ms, for tests that need sessions to expire or funds to become available. */
  now?: () => number;
}

export interface StripeEmulator {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  /** Stops the server and every pending retry timer. */
  stop(): Promise<void>;
  /** Replaces every injected fault with one on all API paths (null: clears them all). */
  setFailureMode(mode: FailureMode): void;
  /** Adds a fault on the matching requests, as POST /v1/test_helpers/faults does. */
  injectFault(spec: FaultSpec): Fault;
  setDeliveryChaos(opts: DeliveryChaos): void;
  /** Every /v1 request received, oldest first (tests assert Checkout params here). */
  requests: RecordedRequest[];
  /** Every event made, oldest first. */
  events: Stripe.Event[];
  /** Resolves when no delivery is in flight or scheduled (retries included). */
  flushDeliveries(): Promise<void>;
  pauseDeliveries(): void;
  resumeDeliveries(): void;
}

const silentLogger: EmulatorLogger = { info() {}, warn() {}, error() {} };

export function createStripeEmulator(opts: EmulatorOptions): StripeEmulator {
  const store = createStore();
  const logger = opts.logger ?? silentLogger;
  const nowMs = opts.now ?? Date.now;
  const apiVersion = Stripe.API_VERSION;
  let port = opts.port ?? 0;
  let url = '';
  let server: http.Server | null = null;
  let sweeper: NodeJS.Timeout | null = null;

  const deliverer = createDeliverer({
    secret: opts.webhookSecret,
    urls: opts.webhookUrls,
    enabled: opts.deliverWebhooks,
    delaysMs: opts.retry?.delaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    maxInFlight: opts.maxInFlight,
    logger,
  });

  const ctx: EmulatorContext = {
    store,
    faults: createFaultList(nowMs),
    apiVersion,
    feeModel: opts.feeModel ?? { percentBps: 290, fixed: 30 },
    logger,
    nowMs,
    publicUrl: () => (opts.publicUrl ?? url).replace(/\/$/, ''),
    emit: createEmitter(store, {
      apiVersion,
      nowMs,
      // One endpoint behind a load balancer, from Stripe's point of view.
      pendingWebhooks: () => (deliverer.active ? 1 : 0),
      sink: (event) => deliverer.enqueue(event),
    }),
  };
  const controls: HttpControls = { requests: [] };
  const advanceTime = () => {
    sweepExpiredSessions(ctx);
    settleBalances(ctx);
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  // Every answer carries a request id, Stripe's handle for a request in its logs and support.
  app.use((_req, res, next) => {
    res.setHeader('Request-Id', newId('req'));
    next();
  });
  app.use(express.urlencoded({ extended: true, limit: '1mb' }));
  const { router, api } = createApiRouter(ctx, controls, advanceTime);
  registerCheckoutRoutes(api, ctx);
  registerEventRoutes(api, ctx);
  registerPaymentRoutes(api, ctx);
  registerBillingRoutes(api, ctx);
  registerTestHelperRoutes(api, ctx);
  registerLifecycleHelperRoutes(api, ctx);
  const portal: PortalSessions = new Map();
  registerPortalRoutes(api, ctx, portal);
  router.use(notFoundHandler);
  app.use('/v1', router);
  app.use(createCheckoutPageRouter(ctx));
  app.use(createPortalPageRouter(ctx, portal));
  app.use(notFoundHandler);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) logger.error({ err }, 'stripe emulator request failed');
    res.status(status).json({
      error: status >= 500
        ? { type: 'api_error', message: 'An unknown error occurred' }
        : { type: 'invalid_request_error', message: 'Invalid request body' },
    });
  });

  return {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    requests: controls.requests,
    events: store.events as unknown as Stripe.Event[],

    async start() {
      if (server) return;
      const s = http.createServer(app);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, opts.host ?? '127.0.0.1', () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      port = (s.address() as AddressInfo).port;
      url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`;
      // Expiry must happen even when nobody reads the session, so the app gets its webhook.
      sweeper = setInterval(advanceTime, 1000);
      sweeper.unref();
      logger.info({ url, apiVersion, webhooks: deliverer.active ? opts.webhookUrls : [] }, 'stripe emulator listening');
    },

    async stop() {
      if (sweeper) clearInterval(sweeper);
      sweeper = null;
      deliverer.stop();
      const s = server;
      server = null;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        // Hung requests (failure mode) and keep-alive sockets would otherwise hold close() open.
        s.closeAllConnections();
      });
    },

    setFailureMode(mode) {
      ctx.faults.clear();
      if (mode) ctx.faults.add(specFromFailureMode(mode));
    },
    injectFault: (spec) => ctx.faults.add(spec),
    setDeliveryChaos(chaos) {
      deliverer.setChaos(chaos);
    },
    flushDeliveries: () => deliverer.flush(),
    pauseDeliveries: () => deliverer.pause(),
    resumeDeliveries: () => deliverer.resume(),
  };
}
