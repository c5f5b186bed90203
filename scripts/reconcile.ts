// `npm run reconcile -- --since 2026-11-01`: feeds what the webhook stream missed through the
// inbox (see src/webhooks/event-recovery-service.ts). Safe to run at any time, any number of times.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, usesStripeEmulator } from '../src/config.ts';
import { createDatabase } from '../src/db/client.ts';
import { locateDatabaseOrExit } from '../src/db/database-url.ts';
import { applyMigrations } from '../src/db/migrator.ts';
import { createLogger } from '../src/logger.ts';
import { manageLinksFor, noticesFor } from '../src/receipts/index.ts';
import { createLedgerGateway } from '../src/stripe/stripe-ledger-gateway.ts';
import { createStripeClient, stripeOptionsFromConfig } from '../src/stripe/stripe-client.ts';
import type { RecoveryProgress } from '../src/webhooks/event-recovery-service.ts';
import { scopeFor } from '../src/webhooks/event-scope.ts';
import { createLedger } from '../src/webhooks/ledger.ts';

const USAGE = 'usage: npm run reconcile -- --since YYYY-MM-DD   (Stripe keeps 30 days of events)';

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const { values } = (() => {
  try {
    return parseArgs({ options: { since: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();
if (values.help) fail(USAGE, 0);
if (!values.since) fail(`--since is required\n${USAGE}`);
const since = new Date(/^\d{4}-\d{2}-\d{2}$/.test(values.since) ? `${values.since}T00:00:00Z` : values.since);
if (Number.isNaN(since.getTime())) fail(`--since: not a date: ${values.since}\n${USAGE}`);

let config;
try {
  config = loadConfig(undefined, { defaultLogLevel: 'warn' });
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 78);
  throw error;
}
// Without keys (never in production) Stripe is an emulator that lives in a process: a shared one
// named by STRIPE_API_HOST, or else the one a running `npm start` serves on STRIPE_EMULATOR_PORT.
// It forgets everything when it stops, so with no app running there is nothing to reconcile.
const emulatorStripe = usesStripeEmulator(config) && !config.stripe.apiHost
  ? { ...config.stripe, apiHost: '127.0.0.1', apiPort: config.emulator.port, apiProtocol: 'http' as const }
  : config.stripe;
if (!config.stripe.secretKey && !emulatorStripe.apiHost) fail('reconcile needs STRIPE_SECRET_KEY in production', 78);
const secretKey = config.stripe.secretKey ?? 'sk_test_emulator';
const stripeConfig = { ...config, stripe: emulatorStripe };
if (!config.stripe.secretKey) {
  const emulatorUrl = `${emulatorStripe.apiProtocol ?? 'https'}://${emulatorStripe.apiHost}:${emulatorStripe.apiPort ?? 443}`;
  await fetch(emulatorUrl).catch(() =>
    fail(`No Stripe emulator answers at ${emulatorUrl}: start the app (\`npm start\` serves one) or \`npm run emulator\`, then run reconcile again.`, 69),
  );
}

const logger = createLogger(config.logLevel, process.stderr);
const location = await locateDatabaseOrExit(config);
const db = createDatabase(location.url);
const tty = process.stderr.isTTY;
const started = Date.now();

function showProgress(p: RecoveryProgress): void {
  if (!tty) return;
  const of = p.total !== undefined ? `/${p.total}` : '';
  process.stderr.write(`\r\x1b[2K${p.stage}: ${p.done}${of}`);
}

try {
  await applyMigrations(location.url);
  const gateway = createLedgerGateway(createStripeClient(stripeOptionsFromConfig(stripeConfig, secretKey)));
  const ledger = createLedger({
    db, gateway, logger, scope: scopeFor({ ...config.stripe, secretKey }), notices: noticesFor(config, manageLinksFor(config, db), logger),
  });
  const summary = await ledger.recoverMissedEvents({ since, onProgress: showProgress });
  if (tty) process.stderr.write('\r\x1b[2K');
  const applied = Object.entries(summary.events.applied).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  process.stdout.write(
    [
      `Reconciled since ${summary.since.toISOString()} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  events:   ${summary.events.listed} listed, ${summary.events.alreadyStored} already stored, fed: ${applied}`,
      `  sessions: ${summary.sessions.checked} pending checked, ${summary.sessions.applied} applied`,
      `  fees:     ${summary.fees.missing} missing, ${summary.fees.filled} filled, ${summary.fees.unavailable} still unavailable`,
      `  inbox:    ${Object.entries(summary.inbox).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      '',
    ].join('\n'),
  );
  if (summary.inbox.failed > 0) process.stdout.write('Some events failed for good: see webhook_events (status failed) and replay them.\n');
} catch (error) {
  if (tty) process.stderr.write('\n');
  process.stderr.write(`reconcile failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
  await location.stop();
}
