// Bank debits as Stripe runs them: the charge exists, pending, from the moment the donor confirms
// (charge.pending), is settled in place (succeeded or failed: Stripe never makes a second charge
// for it), and its balance transaction (the fee) comes later still, in charge.updated. The money
// itself follows the Checkout Session's events (payment-service.ts); these only attach the ids,
// so that the reconciliation report finds the pending charge, and the fee once it is known.
import type { BankDebitRepository } from './bank-debit-repository.ts';
import type { LedgerOutcome } from './payment-service.ts';
import type { PaymentRef } from './payment-repository.ts';

export interface ChargeLink {
  paymentIntentId: string | null;
  chargeId: string;
  balanceTransactionId: string | null;
}

export function createBankDebitLedger(deps: { debits: BankDebitRepository; deferFor(ref: PaymentRef): LedgerOutcome }) {
  return {
    async recordChargeIds(link: ChargeLink): Promise<LedgerOutcome> {
      // A charge of no payment intent (a direct charge) is not one the service made.
      if (!link.paymentIntentId) return { status: 'ignored', reason: 'charge without a payment intent' };
      if (await deps.debits.linkCharge(link.paymentIntentId, link.chargeId, link.balanceTransactionId)) return { status: 'processed' };
      return deps.deferFor({ paymentIntentId: link.paymentIntentId, chargeId: null });
    },
  };
}

export type BankDebitLedger = ReturnType<typeof createBankDebitLedger>;
