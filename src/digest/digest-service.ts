// The rules of the digest sign-up: double opt-in (only a confirmed address counts), one answer
// for every address (the same work is done whatever is known about it, and the email goes out
// later through the outbox), at most one email an hour to an address however often it is typed,
// and a way out in every message that needs nothing but a click.
import type { Logger } from 'pino';
import type { OrgConfig } from '../config.ts';
import { issuesToDetails, ValidationFailed } from '../errors.ts';
import type { NewEmail } from '../email/outbox.ts';
import { CONFIRM_LINK_DAYS, normalizeEmail, type SignUp } from './digest.ts';
import { renderAlreadySubscribedEmail, renderConfirmEmail, renderWelcomeEmail, type Unsubscribe } from './digest-email.ts';
import type { DigestRepository, DigestStore, SubscriberRow } from './digest-repository.ts';
import { signUpRequestSchema } from './digest-schemas.ts';
import { checkUnsubscribeToken, confirmTokenHash, isConfirmToken, newConfirmToken, signUnsubscribeToken } from './digest-tokens.ts';

export interface DigestDeps {
  repository: DigestRepository;
  /** The links' signing key (shared with the manage links). */
  secret: () => Promise<string>;
  org: OrgConfig;
  publicUrl: string;
  /** Domain of the Message-IDs. */
  domain: string;
  unsubscribeMailto?: string;
  /** RECEIPTS=off: sign-ups are kept, no email is queued. */
  emailEnabled: boolean;
  logger: Logger;
  clock?: () => Date;
}

/** What a confirmation link finds. */
export type ConfirmState = 'pending' | 'confirmed' | 'invalid' | 'expired';

export function createDigestService(deps: DigestDeps) {
  const now = deps.clock ?? (() => new Date());

  async function unsubscribeFor(subscriberId: string): Promise<Unsubscribe> {
    const token = signUnsubscribeToken(subscriberId, await deps.secret());
    return { token, url: `${deps.publicUrl}/digest/unsubscribe/${token}`, mailto: deps.unsubscribeMailto };
  }

  /**
   * Queues a sign-up's email under one key per address and hour, whatever it says: typing an
   * address a hundred times sends it one email an hour. True when this call queued it.
   */
  async function queueSignUpEmail(tx: DigestStore, row: SubscriberRow, message: Omit<NewEmail, 'dedupeKey' | 'to'>): Promise<boolean> {
    if (!deps.emailEnabled) return false;
    const hour = Math.floor(now().getTime() / 3_600_000);
    return tx.enqueue({ ...message, dedupeKey: `digest_signup:${row.email}:${hour}`, to: row.email }, deps.domain);
  }

  /** What the confirmation link finds, without changing anything (GET: a link scanner may fetch it). */
  async function confirmState(token: string): Promise<ConfirmState> {
    if (!isConfirmToken(token)) return 'invalid';
    const row = await deps.repository.byConfirmToken(confirmTokenHash(token));
    if (!row || row.status === 'unsubscribed') return 'invalid';
    if (row.status === 'confirmed') return 'confirmed';
    return row.expired ? 'expired' : 'pending';
  }

  return {
    /** The request as sent, well-formed (the donation form's box passes its own source). */
    parse(input: unknown) {
      const parsed = signUpRequestSchema.safeParse(input);
      if (!parsed.success) throw new ValidationFailed(issuesToDetails(parsed.error.issues));
      return parsed.data;
    },

    /**
     * Records the consent and queues the email that goes with it: a confirmation for an address
     * not confirmed yet, a note that nothing changes for one already confirmed (its consent stays
     * the one it confirmed). The caller answers the same in every case.
     */
    async signUp(s: SignUp): Promise<void> {
      const email = normalizeEmail(s.email);
      const consent = { name: s.name ?? null, source: s.source, ip: s.ip ?? null };
      const detail = await deps.repository.transaction(async (tx) => {
        const row = await tx.lockOrCreate({ email, ...consent });
        if (!row) return 'in_progress';
        const unsubscribe = await unsubscribeFor(row.id);
        let detail: string;
        if (row.status === 'confirmed') {
          const sent = await queueSignUpEmail(tx, row, { kind: 'digest_welcome', ...renderAlreadySubscribedEmail({ org: deps.org, unsubscribe }) });
          detail = sent ? 'already_confirmed' : 'already_confirmed_email_held';
        } else {
          await tx.recordConsent(row.id, consent);
          const { token, hash } = newConfirmToken();
          const confirmUrl = `${deps.publicUrl}/digest/confirm/${token}`;
          const sent = await queueSignUpEmail(tx, row, { kind: 'digest_confirm', ...renderConfirmEmail({ org: deps.org, confirmUrl, days: CONFIRM_LINK_DAYS, unsubscribe }) });
          // The earlier email's link keeps working unless a new one went out.
          if (sent) await tx.setConfirmToken(row.id, hash);
          detail = sent ? 'email_sent' : deps.emailEnabled ? 'email_held' : 'email_off';
        }
        await tx.addEvent({ subscriberId: row.id, event: 'signup', source: s.source, ip: s.ip, detail });
        return detail;
      });
      deps.logger.info({ source: s.source, clientAddress: s.ip, emailDomain: email.split('@')[1], outcome: detail }, 'digest sign-up');
    },

    confirmState,

    /** The button on the confirmation page: confirms, and welcomes with a message that carries the way out. */
    async confirm(token: string, ip: string | undefined): Promise<ConfirmState> {
      if (!isConfirmToken(token)) return 'invalid';
      const hash = confirmTokenHash(token);
      const confirmed = await deps.repository.transaction(async (tx) => {
        const row = await tx.confirm(hash, ip ?? null);
        if (!row) return false;
        await tx.addEvent({ subscriberId: row.id, event: 'confirm', ip, detail: 'confirm_page' });
        if (deps.emailEnabled) {
          const unsubscribe = await unsubscribeFor(row.id);
          await tx.enqueue({ dedupeKey: `digest_welcome:${row.id}:${now().getTime()}`, kind: 'digest_welcome', to: row.email, ...renderWelcomeEmail({ org: deps.org, unsubscribe }) }, deps.domain);
        }
        return true;
      });
      if (confirmed) {
        deps.logger.info({ clientAddress: ip }, 'digest subscription confirmed');
        return 'confirmed';
      }
      // A second click, an old link, an expired one: say which.
      return confirmState(token);
    },

    /** Whether an unsubscribe token is one of ours (GET shows the button only for those). */
    async unsubscribeTokenValid(token: string): Promise<boolean> {
      return checkUnsubscribeToken(token, await deps.secret()) !== null;
    },

    /** One click (RFC 8058) or the page's button; false for a token that is not ours. Again is fine. */
    async unsubscribe(token: string, ip: string | undefined, via: 'one_click' | 'page'): Promise<boolean> {
      const id = checkUnsubscribeToken(token, await deps.secret());
      if (!id) return false;
      await deps.repository.transaction(async (tx) => {
        const result = await tx.unsubscribe(id);
        if (result?.changed) await tx.addEvent({ subscriberId: id, event: 'unsubscribe', ip, detail: via });
      });
      deps.logger.info({ clientAddress: ip, via }, 'digest unsubscribe');
      return true;
    },
  };
}

export type DigestService = ReturnType<typeof createDigestService>;
