// Dashboard session persistence. The only session code that knows Prisma.
import type { Database } from '../db/client.ts';

export interface StoredSession {
  keyId: string;
  label: string;
  expiresAt: Date;
}

export function createAdminSessionRepository({ prisma }: Pick<Database, 'prisma'>) {
  return {
    async insert(session: { keyId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
      await prisma.adminSession.create({ data: session, select: { id: true } });
    },

    /** The session behind a token hash while it is unexpired and its key is not revoked. */
    async findLive(tokenHash: string, now: Date): Promise<StoredSession | null> {
      const row = await prisma.adminSession.findFirst({
        where: { tokenHash, expiresAt: { gt: now }, key: { revokedAt: null } },
        select: { keyId: true, expiresAt: true, key: { select: { label: true } } },
      });
      return row && { keyId: row.keyId, label: row.key.label, expiresAt: row.expiresAt };
    },

    /** True when there was such a session to end. */
    async delete(tokenHash: string): Promise<boolean> {
      const { count } = await prisma.adminSession.deleteMany({ where: { tokenHash } });
      return count > 0;
    },

    async deleteExpired(now: Date): Promise<number> {
      const { count } = await prisma.adminSession.deleteMany({ where: { expiresAt: { lte: now } } });
      return count;
    },
  };
}

export type AdminSessionRepository = ReturnType<typeof createAdminSessionRepository>;
