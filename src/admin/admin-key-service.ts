// Minting, listing, revoking and checking admin keys.
import type { Logger } from 'pino';
import { generateKey, hashKey, KEY_PATTERN, sameHash, type AdminKey } from './admin-key.ts';
import type { AdminKeyRepository } from './admin-key-repository.ts';

// lastUsedAt is for people ("is this key still used?"), not an audit log: writing it on every
// request would make one row hot under a busy export script.
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface AdminPrincipal {
  keyId: string;
  label: string;
}

export function createAdminKeyService(deps: { keys: AdminKeyRepository; logger?: Logger; clock?: () => Date }) {
  const now = deps.clock ?? (() => new Date());
  const lastWritten = new Map<string, number>();

  return {
    async create(label: string): Promise<{ key: string; record: AdminKey }> {
      const trimmed = label.trim();
      if (!trimmed || trimmed.length > 100) throw new RangeError('label must be 1 to 100 characters');
      const { key, hash, prefix } = generateKey();
      const record = await deps.keys.insert({ label: trimmed, keyHash: hash, prefix });
      return { key, record };
    },

    list: () => deps.keys.list(),

    /** 'revoked', 'already-revoked' or 'not-found'. */
    async revoke(id: string): Promise<'revoked' | 'already-revoked' | 'not-found'> {
      if (!/^[0-9a-f-]{36}$/i.test(id) || !(await deps.keys.exists(id))) return 'not-found';
      return (await deps.keys.revoke(id, now())) ? 'revoked' : 'already-revoked';
    },

    /**
     * The principal behind a presented key, or null for any kind of bad key (the caller answers
     * all of them alike). The lookup is by hash, so a guess's timing says nothing about stored
     * keys; the hashes are compared again in constant time as defence in depth.
     */
    async verify(presented: string): Promise<AdminPrincipal | null> {
      if (!KEY_PATTERN.test(presented)) return null;
      const hash = hashKey(presented);
      const found = await deps.keys.findByHash(hash);
      if (!found || !sameHash(found.keyHash, hash) || found.revokedAt) return null;
      const at = now();
      const last = lastWritten.get(found.id) ?? found.lastUsedAt?.getTime() ?? 0;
      if (at.getTime() - last >= LAST_USED_WRITE_INTERVAL_MS) {
        lastWritten.set(found.id, at.getTime());
        // Bookkeeping must never turn a good request into an error.
        await deps.keys.touch(found.id, at, LAST_USED_WRITE_INTERVAL_MS).catch((err: unknown) => {
          deps.logger?.warn({ err, keyId: found.id }, 'could not record admin key use');
        });
      }
      return { keyId: found.id, label: found.label };
    },
  };
}

export type AdminKeyService = ReturnType<typeof createAdminKeyService>;
