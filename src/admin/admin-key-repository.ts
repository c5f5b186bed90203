// Admin key persistence. The only admin-key code that knows Prisma.
import type { Database } from '../db/client.ts';
import type { AdminKey } from './admin-key.ts';

const KEY_FIELDS = { id: true, label: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

export function createAdminKeyRepository({ prisma }: Pick<Database, 'prisma'>) {
  return {
    async insert(key: { label: string; keyHash: string; prefix: string }): Promise<AdminKey> {
      return prisma.adminKey.create({ data: key, select: KEY_FIELDS });
    },

    list(): Promise<AdminKey[]> {
      return prisma.adminKey.findMany({ select: KEY_FIELDS, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },

    findByHash(keyHash: string): Promise<(AdminKey & { keyHash: string }) | null> {
      return prisma.adminKey.findUnique({ where: { keyHash }, select: { ...KEY_FIELDS, keyHash: true } });
    },

    /** True when the key existed and was not revoked before. */
    async revoke(id: string, at: Date): Promise<boolean> {
      const { count } = await prisma.adminKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
      return count > 0;
    },

    exists(id: string): Promise<boolean> {
      return prisma.adminKey.count({ where: { id } }).then((n) => n > 0);
    },

    /**
     * Conditional so that several instances (each with its own throttle) still write the row at
     * most about once a minute.
     */
    async touch(id: string, at: Date, minIntervalMs: number): Promise<void> {
      await prisma.adminKey.updateMany({
        where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(at.getTime() - minIntervalMs) } }] },
        data: { lastUsedAt: at },
      });
    },
  };
}

export type AdminKeyRepository = ReturnType<typeof createAdminKeyRepository>;
