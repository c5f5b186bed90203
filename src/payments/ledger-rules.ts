// The ledger's rules bound to one inbox transaction: everything a webhook handler may write to the
// books. payment-service.ts holds the payment rules; beside them, one focused piece per lifecycle
// (refunds, bank debits, disputes, dunning), each in its own file. The ledger as a whole (inbox,
// recovery, replay) is assembled in src/webhooks/ledger.ts, which hands these to every event.
import type { Logger } from 'pino';
import type { Prisma } from '../generated/prisma/client.ts';
import type { OutboxMessage } from '../email/outbox-repository.ts';
import type { PaymentForNotice } from '../receipts/receipt-repository.ts';
import { createBankDebitRepository } from './bank-debit-repository.ts';
import { createBankDebitLedger, type BankDebitLedger } from './bank-debits.ts';
import { createDisputeRepository } from './dispute-repository.ts';
import { createDisputeLedger, type DisputeLedger } from './disputes.ts';
import { createDunningRepository } from '../pledges/dunning-repository.ts';
import { createDunningLedger, type DunningLedger } from '../pledges/dunning.ts';
import { createPaymentRepository } from './payment-repository.ts';
import { createPaymentService, deferFor, type PaymentMatches, type PaymentNotices, type PaymentService } from './payment-service.ts';
import { createPledgeLedgerRepository } from './pledge-ledger-repository.ts';
import { createRefundRepository } from './refund-repository.ts';
import { createRefundLedger, type RefundLedger } from './refunds.ts';

export type LedgerRules = PaymentService & RefundLedger & BankDebitLedger & DisputeLedger & DunningLedger;

/** The donor notices (receipts, refund notices, src/receipts/) bound to the same transaction. */
export type NoticesFactory = ((client: Prisma.TransactionClient) => PaymentNotices) & {
  /**
   * The receipt paymentRecorded would queue for this payment, rendered before its transaction
   * (the inbox's fast path, src/webhooks/checkout-fast-path.ts); absent: no fast path.
   */
  receiptAhead?(payment: PaymentForNotice): Promise<OutboxMessage | null>;
};

/** The match pools (src/matching/) bound to the same transaction. */
export type MatchesFactory = (client: Prisma.TransactionClient, logger: Logger) => PaymentMatches;

/** What the ledger tells in its own transaction besides the books: the donor's notices, the matches. */
export interface LedgerExtras {
  notices?: NoticesFactory;
  matches?: MatchesFactory;
}

export function createLedgerRules(client: Prisma.TransactionClient, extras: LedgerExtras = {}): (logger: Logger) => LedgerRules {
  const payments = createPaymentRepository(client);
  const pledges = createPledgeLedgerRepository(client);
  const refunds = createRefundRepository(client);
  const debits = createBankDebitRepository(client);
  const disputes = createDisputeRepository(client);
  const dunning = createDunningRepository(client);
  const notices = extras.notices?.(client);
  return (logger) => {
    const matches = extras.matches?.(client, logger);
    return {
      ...createPaymentService({ payments, pledges, logger, notices, matches }),
      ...createRefundLedger({ refunds, deferFor, notices, matches }),
      ...createBankDebitLedger({ debits, deferFor }),
      ...createDisputeLedger({ disputes, payments, deferFor, matches }),
      ...createDunningLedger({ dunning, pledges }),
    };
  };
}
