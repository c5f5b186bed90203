// The operator's day, on the real entry points: `npm start` running with its embedded PostgreSQL,
// and beside it the commands the README gives (admin create-key, reconcile, db:migrate, db:seed),
// a second `npm start` in the same folder, then Ctrl-C. None of them may stop the app's database
// (each used to send it SIGINT, taking it for an orphan), each does its job on the app's data, and
// when the app stops no PostgreSQL is left behind.
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/project-root.ts';
import { freePort } from '../../src/db/embedded-postgres.ts';
import { isAlive, postmasterPid, readyz, runCommand, spawnApp, startApp, type AppProcess } from '../helpers/app-process.ts';

let tmp: string;
let dataDir: string;
let app: AppProcess;
let serverPid: number;
let env: Record<string, string>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'donations-beside-app-'));
  await chmod(tmp, 0o777); // as root, the server runs as the postgres user
  dataDir = path.join(tmp, 'postgres');
  env = { EMBEDDED_POSTGRES_DIR: dataDir };
  app = await startApp(PROJECT_ROOT, env);
  serverPid = postmasterPid(dataDir)!;
  expect(isAlive(serverPid)).toBe(true);
}, 120_000);

afterAll(async () => {
  await app?.stop('SIGINT');
  const pid = postmasterPid(dataDir);
  if (pid && isAlive(pid)) {
    process.kill(pid, 'SIGINT');
    await expect.poll(() => isAlive(pid), { timeout: 30_000 }).toBe(false);
  }
  await rm(tmp, { recursive: true, force: true });
}, 60_000);

/** The app still answers from the very same server it started. */
async function appUntouched(): Promise<void> {
  expect(await readyz(app.port)).toBe(200);
  expect(postmasterPid(dataDir)).toBe(serverPid);
  expect(isAlive(serverPid)).toBe(true);
}

describe('commands beside a running app', () => {
  it('the start-up log names the data folder really used (EMBEDDED_POSTGRES_DIR), not the default', () => {
    const line = app.output().split('\n').find((l) => l.includes('embedded PostgreSQL started'));
    expect(JSON.parse(line!)).toMatchObject({ dataDir, port: expect.any(Number) });
  });

  it('admin create-key: mints a key the running app accepts, and the app keeps its database', async () => {
    const result = await runCommand(PROJECT_ROOT, 'scripts/admin.ts', ['create-key', '--label', 'ops beside the app'], env);
    expect(result.stderr).not.toMatch(/orphan/i);
    expect(result.code).toBe(0);
    const key = result.stdout.match(/dk_live_\S+/)?.[0];
    expect(key).toBeDefined();
    await appUntouched();
    const res = await fetch(`http://127.0.0.1:${app.port}/api/admin/pledges`, { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
  }, 120_000);

  it('reconcile: reads the Stripe events of a paid donation against the app database, and the app keeps its database', async () => {
    const pledge = await fetch(`http://127.0.0.1:${app.port}/api/pledges`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ campaign: 'demo', amount: 2500, currency: 'usd', frequency: 'once', email: 'ops@example.org' }),
    });
    expect(pledge.status).toBe(201);
    const { checkoutSessionId } = (await pledge.json()) as { checkoutSessionId: string };
    const paid = await fetch(`http://127.0.0.1:${app.emulatorPort}/v1/test_helpers/checkout/sessions/${checkoutSessionId}/pay`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_operator', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'outcome=succeeded',
    });
    expect(paid.status).toBe(200);
    await expect.poll(async () => {
      const progress = await fetch(`http://127.0.0.1:${app.port}/api/campaigns/demo/progress`);
      return ((await progress.json()) as { donors: number }).donors;
    }, { timeout: 20_000 }).toBe(1);

    const result = await runCommand(PROJECT_ROOT, 'scripts/reconcile.ts', ['--since', new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)], {
      // As an operator runs it beside `npm start`: no Stripe settings, it finds the app's emulator.
      ...env,
      STRIPE_EMULATOR_PORT: String(app.emulatorPort),
      LOG_LEVEL: 'warn',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Every event the emulator made was found already stored by the app's webhook intake.
    const [, listed, stored] = result.stdout.match(/events:\s+(\d+) listed, (\d+) already stored/) ?? [];
    expect(Number(listed)).toBeGreaterThan(0);
    expect(stored).toBe(listed);
    await appUntouched();
  }, 120_000);

  it('db:migrate: finds the app database up to date, and the app keeps it', async () => {
    const result = await runCommand(PROJECT_ROOT, 'scripts/db.ts', ['migrate'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Database is up to date.');
    await appUntouched();
  }, 120_000);

  it('db:seed: finds the campaigns the app seeded, and the app keeps its database', async () => {
    const result = await runCommand(PROJECT_ROOT, 'prisma/seed.ts', [], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('A campaign exists already: nothing to seed.');
    await appUntouched();
  }, 120_000);

  it('a second npm start in the same folder fails clearly on its port and leaves the first serving', async () => {
    const second = spawnApp(PROJECT_ROOT, { ...env, PORT: String(app.port), STRIPE_EMULATOR_PORT: String(app.emulatorPort) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/port \d+ is already in use/);
    await appUntouched();
  }, 120_000);

  it('Ctrl-C stops the app and its PostgreSQL: nothing is left behind', async () => {
    expect(await app.stop('SIGINT')).toBe(0);
    await expect.poll(() => isAlive(serverPid), { timeout: 10_000 }).toBe(false);
    expect(postmasterPid(dataDir)).toBe(null);
    expect(await readdir(tmp)).toEqual(['postgres']); // no lease left either
  }, 60_000);

  it('a command with no app running starts its own server and stops it when done', async () => {
    const result = await runCommand(PROJECT_ROOT, 'scripts/db.ts', ['migrate'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Database is up to date.');
    expect(postmasterPid(dataDir)).toBe(null);
  }, 120_000);

  it('reconcile with no app running says where it looked for Stripe and what to start', async () => {
    const result = await runCommand(PROJECT_ROOT, 'scripts/reconcile.ts', ['--since', '2026-11-01'], { ...env, STRIPE_EMULATOR_PORT: String(await freePort()) });
    expect(result.code).toBe(69);
    expect(result.stderr).toMatch(/^No Stripe emulator answers at http:\/\/127\.0\.0\.1:\d+: start the app \(`npm start` serves one\)/);
    expect(postmasterPid(dataDir)).toBe(null);
  }, 60_000);
});
