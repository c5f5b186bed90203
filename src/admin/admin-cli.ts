// `npm run admin -- create-key --label NAME | list-keys | revoke-key ID`. The commands are a
// function of (argv, database, output) so tests run them without spawning a process.
import { parseArgs } from 'node:util';
import type { Database } from '../db/client.ts';
import { createAdminKeyRepository } from './admin-key-repository.ts';
import { createAdminKeyService } from './admin-key-service.ts';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export const ADMIN_USAGE = `usage:
  npm run admin -- create-key --label NAME   mint a key (printed once; only its hash is stored)
  npm run admin -- list-keys                 list keys (never the keys themselves)
  npm run admin -- revoke-key ID             revoke a key at once`;

const iso = (d: Date | null) => (d ? d.toISOString() : '-');

/** Runs one command; returns the process exit code. */
export async function runAdminCli(argv: string[], db: Pick<Database, 'prisma'>, io: CliOutput): Promise<number> {
  const keys = createAdminKeyService({ keys: createAdminKeyRepository(db) });
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { label: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n${ADMIN_USAGE}`);
    return 64; // EX_USAGE
  }
  const { values, positionals } = parsed;

  switch (command) {
    case 'create-key': {
      const label = values.label?.trim();
      if (!label || label.length > 100 || positionals.length) {
        io.err(`create-key needs --label NAME (1 to 100 characters)\n${ADMIN_USAGE}`);
        return 64;
      }
      const { key, record } = await keys.create(label);
      io.out(`Created admin key ${record.id} (${record.label}).`);
      io.out('Copy it now: it is shown only this once and cannot be recovered.');
      io.out('');
      io.out(key);
      return 0;
    }
    case 'list-keys': {
      const all = await keys.list();
      if (all.length === 0) {
        io.out('No admin keys. Create one with: npm run admin -- create-key --label NAME');
        return 0;
      }
      io.out(['id', 'label', 'starts with', 'created', 'last used', 'revoked'].join('\t'));
      for (const k of all) {
        io.out([k.id, k.label, `${k.prefix}…`, iso(k.createdAt), iso(k.lastUsedAt), iso(k.revokedAt)].join('\t'));
      }
      return 0;
    }
    case 'revoke-key': {
      const [id] = positionals;
      if (!id || positionals.length !== 1) {
        io.err(`revoke-key needs the key's id (see list-keys)\n${ADMIN_USAGE}`);
        return 64;
      }
      const result = await keys.revoke(id);
      if (result === 'not-found') {
        io.err(`No admin key ${id}.`);
        return 1;
      }
      io.out(result === 'revoked' ? `Revoked admin key ${id}.` : `Admin key ${id} was already revoked.`);
      return 0;
    }
    default:
      io.err(ADMIN_USAGE);
      return 64;
  }
}
