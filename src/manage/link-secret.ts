// The manage links' signing key: MANAGE_LINK_SECRET when set, else one made once and kept in the
// database, so that every instance, and the app after a restart, checks the links the others made.
import { randomBytes } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.ts';

const NAME = 'manage_link_secret';

export async function loadLinkSecret(client: Prisma.TransactionClient, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  // Two instances starting at once: the first insert wins and both read the same value.
  await client.$executeRaw`
    INSERT INTO app_secrets (name, value) VALUES (${NAME}, ${randomBytes(32).toString('base64url')}) ON CONFLICT (name) DO NOTHING`;
  const rows = await client.$queryRaw<Array<{ value: string }>>`SELECT value FROM app_secrets WHERE name = ${NAME}`;
  return rows[0]!.value;
}

/** The key read once, on first use, and again after a failed read (the manage and digest links share it). */
export function linkSecretLoader(client: Prisma.TransactionClient, configured: string | undefined): () => Promise<string> {
  let secret: Promise<string> | undefined;
  return () => {
    secret ??= loadLinkSecret(client, configured).catch((error) => {
      secret = undefined;
      throw error;
    });
    return secret;
  };
}
