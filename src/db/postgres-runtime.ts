// What the embedded server runs from. PostgreSQL refuses to run as root, so as root it runs as the
// OS user `postgres`, which must reach the binaries and the data folder through every parent
// folder. A project cloned into a private folder (mode 700, as /root is) is out of its reach: then
// the binaries are mirrored, and the data kept, under STATE_ROOT (owned by root, readable by all),
// and the configured data folder becomes a symbolic link to the real one.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { chmod, chown, cp, lstat, mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ServerRuntime } from './postgres-process.ts';

export const STATE_ROOT = '/var/lib/donations/embedded-postgres';
const SERVER_USER = 'postgres';
const run = promisify(execFile);

type OsUser = NonNullable<ServerRuntime['user']>;

/**
 * The binaries of the package `embedded-postgres` installs for this platform (its optional
 * dependency @embedded-postgres/<platform>-<arch>). Found from embedded-postgres itself, whose main
 * module is never loaded: it installs exit hooks that end the process on their own terms.
 */
function packagedBinaries(): { native: string; version: string } {
  const fromHere = createRequire(import.meta.url);
  const fromWrapper = createRequire(fromHere.resolve('embedded-postgres'));
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  const entry = fromWrapper.resolve(name);
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { native: path.join(packageDir, 'native'), version };
}

const binariesIn = (native: string) => ({ postgres: path.join(native, 'bin', 'postgres'), initdb: path.join(native, 'bin', 'initdb') });

export async function serverRuntime(dataDir: string, log: (message: string) => void): Promise<ServerRuntime> {
  const { native, version } = packagedBinaries();
  if (process.getuid?.() !== 0) return { ...binariesIn(native), dataDir: await ownDataDir(dataDir) };
  const user = await serverUser();
  const reachable = canReach(path.join(native, 'bin', 'postgres'), user, 0o1) && canReach(path.join(native, 'share'), user, 0o5);
  const binaries = reachable ? native : await mirrorBinaries(native, version, log);
  return { ...binariesIn(binaries), dataDir: await dataDirFor(dataDir, user, log), user };
}

async function ownDataDir(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  return realpathSync(dataDir);
}

/** The OS user `postgres`, created (as a system user without a home or shell) when missing. */
async function serverUser(): Promise<OsUser> {
  const ids = async () => ({
    name: SERVER_USER,
    uid: Number((await run('id', ['-u', SERVER_USER])).stdout),
    gid: Number((await run('id', ['-g', SERVER_USER])).stdout),
  });
  try {
    return await ids();
  } catch {
    // No such user yet.
  }
  const groupExists = await run('getent', ['group', SERVER_USER]).then(() => true, () => false);
  try {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', ...(groupExists ? ['--gid', SERVER_USER] : ['--user-group']), SERVER_USER]);
    return await ids();
  } catch (error) {
    throw new Error(
      `as root, embedded PostgreSQL must run as the OS user ${SERVER_USER}, which does not exist and could not be created (${(error as Error).message.trim()}): create that user, run as a normal user, or set DATABASE_URL`,
    );
  }
}

/**
 * Whether `user` can reach `target` with the permission bits `need` (1 search/execute, 4 read):
 * every folder on the way must let it search. Spawned processes drop supplementary groups, so
 * only the primary group counts; access control lists are not read (they can only grant more).
 */
export function canReach(target: string, user: Pick<OsUser, 'uid' | 'gid'>, need: number): boolean {
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return false;
  }
  const parts = real.split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const at = path.sep + parts.slice(0, i).join(path.sep);
    if (!allows(statSync(at), user, i === parts.length ? need : 0o1)) return false;
  }
  return true;
}

function allows(stat: Stats, user: Pick<OsUser, 'uid' | 'gid'>, need: number): boolean {
  const shift = stat.uid === user.uid ? 6 : stat.gid === user.gid ? 3 : 0;
  return ((stat.mode >> shift) & need) === need;
}

/**
 * A folder under STATE_ROOT, created if missing, searchable by all whatever root's umask; refused
 * if anyone but root could change it or a folder above it (it holds what the server runs from).
 */
async function rootFolder(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let at = dir; at !== path.dirname(at); at = path.dirname(at)) {
    const stat = statSync(at);
    if (stat.uid !== 0 || (stat.mode & 0o022 && !(stat.mode & 0o1000))) {
      throw new Error(`${at} must belong to root and be writable by root only: embedded PostgreSQL runs from it`);
    }
    if (at.startsWith(path.dirname(STATE_ROOT))) await chmod(at, 0o755);
  }
  return dir;
}

/** A copy of the packaged binaries the server user can run, one per version, made once. */
async function mirrorBinaries(native: string, version: string, log: (message: string) => void): Promise<string> {
  const target = path.join(await rootFolder(STATE_ROOT), `postgres-${version}`);
  try {
    statSync(path.join(target, '.complete'));
    return target;
  } catch {
    // Not mirrored yet.
  }
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(native, partial, { recursive: true, verbatimSymlinks: true });
  await openUp(partial);
  await writeFile(path.join(partial, '.complete'), `${native}\n`);
  await rm(target, { recursive: true, force: true });
  await rename(partial, target).catch(async (error: NodeJS.ErrnoException) => {
    // Another process mirrored the same version at the same moment: theirs is as good.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    await rm(partial, { recursive: true, force: true });
  });
  log(`the postgres user cannot reach ${native}: using a copy in ${target}`);
  return target;
}

/** Folders 755, files 644 or, when executable, 755: whatever umask the install ran under. */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) await openUp(at);
    else if (entry.isFile()) await chmod(at, statSync(at).mode & 0o100 ? 0o755 : 0o644);
  }
}

/**
 * The data folder as the server user will use it: the configured one when it can reach it (created
 * and given to that user when new), else one under STATE_ROOT that the configured path links to.
 */
async function dataDirFor(configured: string, user: OsUser, log: (message: string) => void): Promise<string> {
  const existing = (() => {
    try {
      return realpathSync(configured);
    } catch {
      return null;
    }
  })();
  if (existing && canReach(path.dirname(existing), user, 0o1)) return giveTo(existing, user);
  if (!existing) {
    await mkdir(path.dirname(configured), { recursive: true });
    if (canReach(path.dirname(configured), user, 0o1)) return giveTo(configured, user);
  }
  if (existing && readdirSync(existing).length > 0) {
    throw new Error(
      `as root, embedded PostgreSQL runs as the OS user ${user.name}, which cannot reach ${configured} (a folder above it is private): move that folder where ${user.name} can reach it and set EMBEDDED_POSTGRES_DIR to it, or run as a normal user`,
    );
  }
  const digest = createHash('sha256').update(path.resolve(configured)).digest('hex').slice(0, 12);
  const relocated = path.join(await rootFolder(path.join(STATE_ROOT, 'data')), `${path.basename(configured)}-${digest}`);
  // An empty folder, or a link left dangling, gives way to the link.
  if (existing || (await lstat(configured).then((s) => s.isSymbolicLink(), () => false))) await rm(configured, { recursive: true, force: true });
  await symlink(relocated, configured);
  log(`the postgres user cannot reach ${configured}: its data live in ${relocated}, which it links to`);
  return giveTo(relocated, user);
}

async function giveTo(dataDir: string, user: OsUser): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const real = realpathSync(dataDir);
  // Only a folder not yet initialised is handed over: an existing cluster keeps its owner, and
  // PostgreSQL itself says so clearly when that owner is wrong.
  if (readdirSync(real).length === 0) {
    await chown(real, user.uid, user.gid);
    await chmod(real, 0o700);
  }
  return real;
}
