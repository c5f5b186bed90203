// `npm run test:production`: proves what the Dockerfile's production image holds, without Docker.
// It builds, then copies what the image's build stage copies into a temporary folder, installs
// there with `npm ci --omit=dev` (as the image's `npm prune --omit=dev` leaves it), and checks:
//   - the Stripe emulator (packages/stripe-emulator, a dev-only package) is not installed, cannot
//     be imported, is not in `npm ls --omit=dev`, and none of its code is compiled into dist/;
//   - the built app still starts there (node dist/src/main.js, NODE_ENV=production) against a real
//     PostgreSQL, answers /healthz and /readyz, and stops cleanly on SIGTERM.
// The last line is `N passed, N failed` for CI; exits non-zero on any failure.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startChaosPostgres } from '../chaos/lib/postgres.ts';
import { killAllChildren, startChild, waitForHttp } from '../chaos/lib/processes.ts';
import { reservePorts } from '../chaos/lib/stack.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const EMULATOR = 'stripe-emulator';
// Strings only the emulator's own modules hold (its log lines and its checkout page's title).
const EMULATOR_MARKERS = ['stripe emulator listening', 'stripe emulator webhook delivered'];
// What the Dockerfile's build stage copies before `npm ci` and `npm run build`.
const IMAGE_INPUTS = ['package.json', 'package-lock.json', 'prisma.config.ts', 'prisma', 'packages', 'public', 'dist'];

const results: { name: string; ok: boolean; detail?: string }[] = [];
function check(name: string, ok: boolean, detail?: string): void {
  results.push({ name, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail ? `\n     ${detail}` : ''}`);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function main(): Promise<void> {
  console.log('building (npm run build)...');
  await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'donations-production-'));
  try {
    for (const input of IMAGE_INPUTS) await cp(path.join(ROOT, input), path.join(dir, input), { recursive: true });
    console.log(`installing production dependencies in ${dir} (npm ci --omit=dev)...`);
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });

    check('npm ci --omit=dev does not install the emulator', !existsSync(path.join(dir, 'node_modules', EMULATOR)));
    const ls = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    check('npm ls --omit=dev does not list the emulator', !ls.stdout.split('\n').some((line) => line.includes(EMULATOR)));
    const imported = await run(process.execPath, ['--input-type=module', '-e', `await import('${EMULATOR}')`], { cwd: dir }).then(
      () => 'imported',
      (err: { stderr?: string }) => (err.stderr?.includes('ERR_MODULE_NOT_FOUND') ? 'not found' : `failed otherwise: ${err.stderr}`),
    );
    check('the production install cannot import the emulator', imported === 'not found', imported);

    const dist = await filesUnder(path.join(dir, 'dist'));
    const outside = dist.filter((f) => !path.relative(path.join(dir, 'dist'), f).match(/^(src|scripts|prisma)\//));
    check('dist/ holds only the app (src, scripts, prisma)', outside.length === 0, outside.join(', '));
    const withEmulatorCode: string[] = [];
    for (const file of dist.filter((f) => f.endsWith('.js'))) {
      const text = await readFile(file, 'utf8');
      if (EMULATOR_MARKERS.some((marker) => text.includes(marker))) withEmulatorCode.push(path.relative(dir, file));
    }
    check('no compiled file in dist/ holds emulator code', withEmulatorCode.length === 0, withEmulatorCode.join(', '));

    await startBuiltApp(dir);
  } finally {
    killAllChildren();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The image's CMD, in the production install: node dist/src/main.js with NODE_ENV=production. */
async function startBuiltApp(dir: string): Promise<void> {
  const postgres = await startChaosPostgres(() => {});
  try {
    const [appPort, stripePort, smtpPort] = await reservePorts(3);
    const app = startChild('app', path.join(dir, 'dist/src/main.js'), [], {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(appPort),
      DATABASE_URL: postgres.url,
      STRIPE_SECRET_KEY: 'sk_test_production_check',
      STRIPE_WEBHOOK_SECRET: 'whsec_production_check',
      // Nothing listens there: starting must not need Stripe.
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(stripePort),
      STRIPE_API_PROTOCOL: 'http',
      // Production needs a mail server; nothing listens there either: starting must not need it.
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    }, { logDir: dir, cwd: dir });
    const started = await waitForHttp(`http://127.0.0.1:${appPort}/readyz`, app, 90_000).then(() => '', (err: Error) => err.message);
    check('the built app starts in production from the production install (/readyz 200)', started === '', started);
    const health = await fetch(`http://127.0.0.1:${appPort}/healthz`).then((r) => r.status, () => 0);
    check('/healthz answers 200', health === 200, `status ${health}`);
    await app.stop();
    const code = await app.exited;
    check('SIGTERM stops it cleanly (exit 0)', code === 0, `exit ${code}`);
    if (started !== '' || code !== 0) console.log(await readFile(path.join(dir, 'app.log'), 'utf8').catch(() => ''));
  } finally {
    await postgres.stop();
  }
}

try {
  await main();
} catch (err) {
  check('the production check ran to the end', false, err instanceof Error ? err.stack : String(err));
}
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
