// Root with the project in a private folder (mode 700, as /root is): the embedded PostgreSQL runs
// as the OS user postgres, which cannot reach the binaries in node_modules nor .data/postgres.
// `npm start` used to die there on an unhandled `spawn .../initdb EACCES`, and `npm test` too.
// The project is copied into a fresh private folder (node_modules as hard links: the same files,
// reached through a path the postgres user cannot follow) and started from there as people do.
import { execFile } from 'node:child_process';
import { cp, lstat, mkdtemp, readlink, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_ROOT } from '../../src/db/postgres-runtime.ts';
import { PROJECT_ROOT } from '../../src/project-root.ts';
import { bareEnv, isAlive, postmasterPid, readyz, startApp } from '../helpers/app-process.ts';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const SKIPPED = new Set(['node_modules', '.git', '.data', 'dist', 'test-artifacts', 'coverage']);

let privateDir: string;
let project: string;

// Only root runs PostgreSQL as another OS user; a normal user runs it as itself, and always
// reaches its own folders.
describe.skipIf(!isRoot)('as root, from a private folder (skipped unless run as root)', () => {
  beforeAll(async () => {
    privateDir = await mkdtemp(path.join(os.tmpdir(), 'donations-private-'));
    expect((await stat(privateDir)).mode & 0o777).toBe(0o700);
    project = path.join(privateDir, 'donations');
    await cp(PROJECT_ROOT, project, { recursive: true, filter: (source) => !SKIPPED.has(path.relative(PROJECT_ROOT, source)) });
    await run('cp', ['-al', path.join(PROJECT_ROOT, 'node_modules'), path.join(project, 'node_modules')]);
  }, 120_000);

  afterAll(async () => {
    // The data were kept under STATE_ROOT, out of the private folder: remove them with it.
    const link = path.join(project, '.data', 'postgres');
    const relocated = await readlink(link).catch(() => null);
    if (relocated?.startsWith(STATE_ROOT)) await rm(relocated, { recursive: true, force: true });
    await rm(privateDir, { recursive: true, force: true });
  });

  it('npm start serves, keeping its data where the postgres user can reach them, and Ctrl-C leaves no PostgreSQL', async () => {
    const app = await startApp(project);
    try {
      expect(app.output()).not.toMatch(/Unhandled|EACCES/);
      expect(await readyz(app.port)).toBe(200);
      // .data/postgres links to the real data folder, which the start-up log names.
      const link = path.join(project, '.data', 'postgres');
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      const dataDir = await realpath(link);
      expect(dataDir.startsWith(`${STATE_ROOT}/`)).toBe(true);
      expect(app.output()).toContain(`"dataDir":"${dataDir}"`);
      const pid = postmasterPid(dataDir)!;
      const { stdout: owner } = await run('ps', ['-o', 'user=', '-p', String(pid)]);
      expect(owner.trim()).toBe('postgres');

      expect(await app.stop('SIGINT')).toBe(0);
      await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
      expect(postmasterPid(dataDir)).toBe(null);
    } finally {
      await app.stop('SIGKILL');
    }
  }, 180_000);

  it("npm test's global setup starts its PostgreSQL and stops it again", async () => {
    const script = [
      "const { default: setup } = await import('./test/helpers/global-setup.ts');",
      'const provided = {};',
      'const teardown = await setup({ provide: (key, value) => (provided[key] = value) });',
      'await teardown();',
      "console.log('provided:', Object.keys(provided).join(','));",
    ].join('\n');
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: project,
      env: bareEnv({}),
      timeout: 120_000,
    });
    expect(stderr).not.toMatch(/Unhandled|EACCES/);
    expect(stdout).toContain('provided: pgAdminUrl,pgTemplate');
  }, 180_000);
});
