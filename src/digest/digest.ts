// The daily digest's sign-up, in the service's own terms.
export const DIGEST_SOURCES = ['donation_form', 'page', 'widget'] as const;
export type DigestSource = (typeof DIGEST_SOURCES)[number];
export type DigestStatus = 'pending' | 'confirmed' | 'unsubscribed';

/** What a person asks for: their address, maybe a name, and where they asked. */
export interface SignUp {
  email: string;
  name?: string;
  source: DigestSource;
  /** The client address as the app derives it (req.ip, under TRUST_PROXY). */
  ip?: string;
}

/** One mailbox, one row: the address is trimmed and lower-cased before it is stored or compared. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** How long a confirmation link works. */
export const CONFIRM_LINK_DAYS = 7;
