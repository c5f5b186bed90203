// Makes and checks manage links with the signing key, loaded from the database on first use.
import type { Prisma } from '../generated/prisma/client.ts';
import { linkSecretLoader } from './link-secret.ts';
import { checkManageToken, signManageToken, type TokenCheck } from './manage-token.ts';

/** A link in a monthly receipt lasts until well after the next receipt brings a fresh one. */
export const RECEIPT_LINK_DAYS = 45;
/** A link asked for on the "Manage my donation" form. */
export const REQUESTED_LINK_HOURS = 24;

export interface ManageLinks {
  url(email: string, ttlMs: number): Promise<string>;
  check(token: string): Promise<TokenCheck>;
}

export function createManageLinks(deps: {
  client: Prisma.TransactionClient;
  configuredSecret: string | undefined;
  publicUrl: string;
  clock?: () => Date;
}): ManageLinks {
  const now = deps.clock ?? (() => new Date());
  const key = linkSecretLoader(deps.client, deps.configuredSecret);
  return {
    async url(email, ttlMs) {
      const token = signManageToken(email, new Date(now().getTime() + ttlMs), await key());
      return `${deps.publicUrl}/manage/${token}`;
    },
    async check(token) {
      return checkManageToken(token, await key(), now());
    },
  };
}
