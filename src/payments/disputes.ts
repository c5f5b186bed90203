// Disputes through their states. A chargeback (needs_response, then under_review once evidence is
// submitted, then won or lost) takes the money at once (funds_withdrawn) and gives it back only if
// won (funds_reinstated); an inquiry (warning_needs_response, warning_under_review, then
// warning_closed) moves no money. Every state is kept (staff answer open ones by their evidence
// deadline); the payment's dispute status and the campaign totals follow the chargeback's money.
import type { PaymentRef, PaymentRepository } from './payment-repository.ts';
import type { DisputeRepository } from './dispute-repository.ts';
import type { LedgerOutcome, PaymentMatches } from './payment-service.ts';
import type { ChargeMoneyFacts } from './refunds.ts';

export interface DisputeFacts extends ChargeMoneyFacts {
  /** Stripe's own status (warning_needs_response ... won, lost). */
  status: string;
  reason: string | null;
  evidenceDueBy: Date | null;
  fundsWithdrawn: number;
  fundsReinstated: number;
  fee: number;
  createdAt: Date;
}

export interface OpenDispute {
  id: string;
  status: string;
  reason: string | null;
  amount: number;
  currency: string;
  evidenceDueBy: Date | null;
  chargeId: string | null;
  campaign: string | null;
  email: string | null;
  name: string | null;
}

/** What the dispute means for the payment's money: an inquiry is none of it. */
export function moneyState(status: string): 'open' | 'won' | 'lost' | 'inquiry' {
  if (status === 'won' || status === 'lost') return status;
  return status.startsWith('warning_') ? 'inquiry' : 'open';
}

export function createDisputeLedger(deps: {
  disputes: DisputeRepository;
  payments: Pick<PaymentRepository, 'mergeDispute'>;
  deferFor(ref: PaymentRef): LedgerOutcome;
  matches?: PaymentMatches;
}) {
  return {
    async recordDisputeState(d: DisputeFacts): Promise<LedgerOutcome> {
      await deps.disputes.merge(d);
      const state = moneyState(d.status);
      if (state === 'inquiry') return { status: 'processed' };
      const ref = { paymentIntentId: d.paymentIntentId, chargeId: d.chargeId };
      if (!(await deps.payments.mergeDispute(ref, { id: d.id, status: state, amount: d.amount }))) return deps.deferFor(ref);
      // A lost dispute gives the match back; an open or won one keeps it.
      await deps.matches?.paymentChanged({ ...ref, invoiceId: null });
      return { status: 'processed' };
    },
  };
}

export type DisputeLedger = ReturnType<typeof createDisputeLedger>;
