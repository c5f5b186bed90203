// `npm run admin -- create-key | list-keys | revoke-key`, run as functions against a real database,
// and once as the real script (spawned) to prove the wiring.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli } from '../../../src/admin/admin-cli.ts';
import { hashKey } from '../../../src/admin/admin-key.ts';
import { buildApp } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdminCli(argv, db, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('admin CLI', () => {
  it('create-key prints the key once, stores its hash, and the key works', async () => {
    const res = await run('create-key', '--label', 'Finance (Maria)');
    expect(res.code).toBe(0);
    const key = res.out.match(/dk_live_[A-Za-z0-9_-]{43}/)![0];
    const row = await db.prisma.adminKey.findFirstOrThrow({ where: { label: 'Finance (Maria)' } });
    expect(row.keyHash).toBe(hashKey(key));
    expect(res.out).toContain(row.id);
    await request(buildApp(db)).get('/api/admin/pledges').set('Authorization', `Bearer ${key}`).expect(200);

    const listed = await run('list-keys');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(row.id);
    expect(listed.out).toContain('Finance (Maria)');
    expect(listed.out).not.toContain(key);
    expect(listed.out).toContain(`${key.slice(0, 12)}…`);
  });

  it('revoke-key revokes at once; again says so; an unknown id fails', async () => {
    const created = await run('create-key', '--label', 'temp');
    const key = created.out.match(/dk_live_[A-Za-z0-9_-]{43}/)![0];
    const { id } = await db.prisma.adminKey.findFirstOrThrow({ where: { label: 'temp' } });
    expect(await run('revoke-key', id)).toMatchObject({ code: 0, out: `Revoked admin key ${id}.` });
    expect(await run('revoke-key', id)).toMatchObject({ code: 0, out: expect.stringContaining('already revoked') });
    expect((await run('revoke-key', '00000000-0000-0000-0000-000000000000')).code).toBe(1);
    expect((await run('revoke-key', 'nonsense')).code).toBe(1);
    await request(buildApp(db)).get('/api/admin/pledges').set('Authorization', `Bearer ${key}`).expect(401);
    expect((await run('list-keys')).out).toMatch(new RegExp(`${id}\\ttemp\\t.*\\t20\\d\\d-`));
  });

  it('refuses bad usage with exit code 64', async () => {
    expect((await run('create-key')).code).toBe(64);
    expect((await run('create-key', '--label', '   ')).code).toBe(64);
    expect((await run('create-key', '--label', 'x'.repeat(101))).code).toBe(64);
    expect((await run('create-key', '--nope')).code).toBe(64);
    expect((await run('revoke-key')).code).toBe(64);
    expect((await run('frobnicate')).code).toBe(64);
    expect((await run()).err).toContain('usage');
  });

  it('npm run admin: the script itself, with DATABASE_URL of the test database', async () => {
    const env = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/admin.ts', 'create-key', '--label', 'spawned'], { env, timeout: 30_000 });
    expect(stdout).toMatch(/dk_live_[A-Za-z0-9_-]{43}/);
    expect(await db.prisma.adminKey.count({ where: { label: 'spawned' } })).toBe(1);
    const failed = await promisify(execFile)('npx', ['tsx', 'scripts/admin.ts', 'revoke-key', 'nope'], { env, timeout: 30_000 }).catch((e: { code: number }) => e);
    expect((failed as { code: number }).code).toBe(1);
  }, 60_000);
});
