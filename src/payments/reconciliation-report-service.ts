// Stripe versus the database, charge by charge. Stripe is the record of what happened to money;
// the database is what the service believes. Every disagreement is listed with the ids on both
// sides so finance can look each one up, in Stripe's dashboard and in the exports.
import type {
  CurrencyTotals, DatabaseSide, Difference, DifferenceKind, LedgerPayment, ReconciliationReport, StripeChargeFacts,
  StripeSide,
} from './reconciliation-report.ts';
import type { ReconciliationGateway } from './reconciliation-gateway.ts';
import type { ReconciliationRepository } from './reconciliation-report-repository.ts';
import { money, neutralise } from './csv.ts';

export const DIFFERENCE_KINDS: DifferenceKind[] = [
  'missing_in_database', 'missing_in_stripe', 'status_mismatch', 'amount_mismatch', 'refund_mismatch',
  'dispute_mismatch', 'fee_mismatch', 'fee_unknown',
];

export function stripeSide(c: StripeChargeFacts): StripeSide {
  return {
    chargeId: c.chargeId,
    paymentIntentId: c.paymentIntentId,
    balanceTransactionId: c.balanceTransactionId,
    disputeId: c.dispute?.id ?? null,
    status: c.status,
    amount: c.amount,
    amountRefunded: c.amountRefunded,
    fee: c.fee,
    net: c.net,
    disputeStatus: c.dispute?.status ?? 'none',
  };
}

export function databaseSide(p: LedgerPayment): DatabaseSide {
  return {
    paymentId: p.id,
    pledgeId: p.pledgeId,
    chargeId: p.chargeId,
    paymentIntentId: p.paymentIntentId,
    invoiceId: p.invoiceId,
    balanceTransactionId: p.balanceTransactionId,
    status: p.status,
    amount: p.amount,
    amountRefunded: p.amountRefunded,
    fee: p.fee,
    net: p.net,
    disputeStatus: p.disputeStatus,
  };
}

/** The differences between one Stripe charge and the payment recorded for it. */
export function compareCharge(c: StripeChargeFacts, p: LedgerPayment): Difference[] {
  const out: Difference[] = [];
  const add = (kind: DifferenceKind, message: string) =>
    out.push({ kind, message, currency: c.currency, stripe: stripeSide(c), database: databaseSide(p) });

  if (c.status !== p.status) add('status_mismatch', `Stripe's charge is ${c.status}, the database's payment is ${p.status}`);
  if (c.amount !== p.amount || c.currency !== p.currency) {
    add('amount_mismatch', `Stripe charged ${c.amount} ${c.currency}, the database has ${p.amount} ${p.currency}`);
  }
  if (c.amountRefunded !== p.amountRefunded) {
    add('refund_mismatch', `Stripe refunded ${c.amountRefunded}, the database has ${p.amountRefunded} refunded`);
  }
  const stripeDispute = c.dispute?.status ?? 'none';
  if (stripeDispute !== p.disputeStatus || (c.dispute && c.dispute.amount !== p.disputedAmount)) {
    add('dispute_mismatch', `Stripe's dispute is ${stripeDispute}${c.dispute ? ` (${c.dispute.amount})` : ''}, the database has ${p.disputeStatus}${p.disputeStatus !== 'none' ? ` (${p.disputedAmount})` : ''}`);
  }
  if (c.status === 'succeeded') {
    if (c.fee === null || c.net === null) {
      add('fee_unknown', 'Stripe has no balance transaction for this charge yet: its fee is not known');
    } else if (p.fee === null || p.net === null) {
      add('fee_unknown', `The database does not know this payment's fee yet (Stripe: fee ${c.fee}, net ${c.net})`);
    } else if (p.fee !== c.fee || p.net !== c.net) {
      add('fee_mismatch', `Stripe's fee/net are ${c.fee}/${c.net}, the database has ${p.fee}/${p.net}`);
    } else if (p.balanceTransactionId && c.balanceTransactionId && p.balanceTransactionId !== c.balanceTransactionId) {
      add('fee_mismatch', `Stripe's balance transaction is ${c.balanceTransactionId}, the database has ${p.balanceTransactionId}`);
    }
  }
  return out;
}

function emptyTotals(currency: string): CurrencyTotals {
  return {
    currency,
    stripe: { charges: 0, gross: 0, refunded: 0, fee: 0, net: 0 },
    database: { payments: 0, gross: 0, refunded: 0, fee: 0, net: 0 },
  };
}

export function createReconciliationService(deps: {
  stripe: ReconciliationGateway;
  payments: ReconciliationRepository;
  clock?: () => Date;
}) {
  const now = deps.clock ?? (() => new Date());

  return {
    async report(from: Date, to: Date): Promise<ReconciliationReport> {
      const { charges, balanceTransactions } = await deps.stripe.chargesBetween(from, to);
      // Failed charges moved no money; a payment for one would show up as missing in Stripe.
      const moved = charges.filter((c) => c.status !== 'failed');
      const inWindow = await deps.payments.paidBetween(from, to);
      const linked = await deps.payments.byStripeIds(
        moved.map((c) => c.chargeId),
        moved.flatMap((c) => (c.paymentIntentId ? [c.paymentIntentId] : [])),
      );
      const byCharge = new Map<string, LedgerPayment>();
      const byIntent = new Map<string, LedgerPayment>();
      for (const p of [...inWindow, ...linked]) {
        if (p.chargeId) byCharge.set(p.chargeId, p);
        if (p.paymentIntentId) byIntent.set(p.paymentIntentId, p);
      }

      const differences: Difference[] = [];
      const totals = new Map<string, CurrencyTotals>();
      const totalsOf = (currency: string) => totals.get(currency) ?? totals.set(currency, emptyTotals(currency)).get(currency)!;
      const countStripe = (c: StripeChargeFacts) => {
        if (c.status !== 'succeeded') return;
        const t = totalsOf(c.currency).stripe;
        t.charges += 1; t.gross += c.amount; t.refunded += c.amountRefunded; t.fee += c.fee ?? 0; t.net += c.net ?? 0;
      };
      const matched = new Set<string>();
      const considered = new Map(inWindow.map((p) => [p.id, p]));

      for (const charge of moved) {
        countStripe(charge);
        const payment = byCharge.get(charge.chargeId) ?? (charge.paymentIntentId ? byIntent.get(charge.paymentIntentId) : undefined);
        if (!payment) {
          if (charge.status === 'succeeded') {
            differences.push({
              kind: 'missing_in_database',
              message: `Stripe charge ${charge.chargeId} (${charge.amount} ${charge.currency}) has no payment in the database`,
              currency: charge.currency,
              stripe: stripeSide(charge),
              database: null,
            });
          }
          continue;
        }
        matched.add(payment.id);
        considered.set(payment.id, payment);
        differences.push(...compareCharge(charge, payment));
      }

      // Payments the database dates in the window whose charge Stripe did not list there: look
      // each one up (it may have been created just outside the window) before calling it missing.
      for (const payment of inWindow) {
        if (matched.has(payment.id)) continue;
        const charge = await deps.stripe.findCharge({ chargeId: payment.chargeId, paymentIntentId: payment.paymentIntentId });
        if (charge) {
          countStripe(charge);
          differences.push(...compareCharge(charge, payment));
        } else {
          differences.push({
            kind: 'missing_in_stripe',
            message: `Payment ${payment.id} (${payment.amount} ${payment.currency}) has no charge in Stripe`,
            currency: payment.currency,
            stripe: null,
            database: databaseSide(payment),
          });
        }
      }

      for (const p of considered.values()) {
        if (p.status !== 'succeeded') continue;
        const t = totalsOf(p.currency).database;
        t.payments += 1; t.gross += p.amount; t.refunded += p.amountRefunded; t.fee += p.fee ?? 0; t.net += p.net ?? 0;
      }

      const summary = Object.fromEntries(DIFFERENCE_KINDS.map((k) => [k, 0])) as Record<DifferenceKind, number>;
      for (const d of differences) summary[d.kind] += 1;
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        generatedAt: now().toISOString(),
        stripe: { charges: moved.length, balanceTransactions },
        database: { payments: considered.size },
        summary,
        totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
        differences,
      };
    },
  };
}

export type ReconciliationService = ReturnType<typeof createReconciliationService>;

export const RECONCILIATION_COLUMNS = [
  'kind', 'message', 'currency',
  'stripe_charge_id', 'stripe_payment_intent_id', 'stripe_balance_transaction_id', 'stripe_dispute_id', 'stripe_status',
  'stripe_amount', 'stripe_refunded', 'stripe_fee', 'stripe_net', 'stripe_dispute_status',
  'db_payment_id', 'db_pledge_id', 'db_charge_id', 'db_payment_intent_id', 'db_invoice_id', 'db_balance_transaction_id',
  'db_status', 'db_amount', 'db_refunded', 'db_fee', 'db_net', 'db_dispute_status',
];

/** The report as CSV records: one row per difference, amounts as decimal strings. */
export function reconciliationRecords(report: ReconciliationReport): string[][] {
  return report.differences.map((d) => {
    const s = d.stripe;
    const b = d.database;
    const m = (amount: number | null | undefined) => (amount == null ? '' : money(amount, d.currency));
    const t = neutralise;
    return [
      d.kind, t(d.message), t(d.currency),
      t(s?.chargeId), t(s?.paymentIntentId), t(s?.balanceTransactionId), t(s?.disputeId), t(s?.status),
      m(s?.amount), m(s?.amountRefunded), m(s?.fee), m(s?.net), t(s?.disputeStatus),
      t(b?.paymentId), t(b?.pledgeId), t(b?.chargeId), t(b?.paymentIntentId), t(b?.invoiceId), t(b?.balanceTransactionId),
      t(b?.status), m(b?.amount), m(b?.amountRefunded), m(b?.fee), m(b?.net), t(b?.disputeStatus),
    ];
  });
}
