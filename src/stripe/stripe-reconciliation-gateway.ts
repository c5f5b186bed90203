// What the reconciliation report reads from Stripe (its port: src/payments/reconciliation-gateway.ts):
// the charges (with their balance transactions and disputes) that moved money in a window. Lists
// auto-page through the SDK.
import Stripe from 'stripe';
import type { ReconciliationGateway, StripeChargeFacts } from '../payments/reconciliation-gateway.ts';
import { disputeState, idOf } from './stripe-refs.ts';
import { callStripe } from './stripe-errors.ts';

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function createReconciliationGateway(stripe: Stripe): ReconciliationGateway {
  async function facts(charge: Stripe.Charge): Promise<StripeChargeFacts> {
    const bt = charge.balance_transaction;
    const known = bt && typeof bt !== 'string' && bt.currency === charge.currency ? bt : null;
    let dispute: StripeChargeFacts['dispute'] = null;
    if (charge.disputed) {
      // The latest dispute decides (a charge rarely has more than one).
      const list = await stripe.disputes.list({ charge: charge.id, limit: 10 });
      const latest = [...list.data].sort((a, b) => b.created - a.created)[0];
      const state = latest ? disputeState(latest.status) : 'inquiry';
      if (latest && state !== 'inquiry') dispute = { id: latest.id, status: state, amount: latest.amount };
    }
    return {
      chargeId: charge.id,
      paymentIntentId: idOf(charge.payment_intent),
      status: charge.status === 'succeeded' ? 'succeeded' : charge.status === 'pending' ? 'pending' : 'failed',
      currency: charge.currency,
      amount: charge.amount,
      amountRefunded: charge.amount_refunded,
      created: new Date(charge.created * 1000),
      balanceTransactionId: idOf(bt),
      fee: known ? known.fee : null,
      net: known ? known.net : null,
      dispute,
    };
  }

  const retrieve = (id: string) => stripe.charges.retrieve(id, { expand: ['balance_transaction'] });

  /** The charge a balance transaction belongs to: its own, a refund's or a dispute's. */
  async function chargeBehind(bt: Stripe.BalanceTransaction): Promise<string | null> {
    const source = idOf(bt.source);
    if (!source) return null;
    if (source.startsWith('ch_') || source.startsWith('py_')) return source;
    if (bt.type === 'refund' && source.startsWith('re_')) return idOf((await stripe.refunds.retrieve(source)).charge);
    if (source.startsWith('dp_') || source.startsWith('du_')) return idOf((await stripe.disputes.retrieve(source)).charge);
    return null;
  }

  return {
    chargesBetween: (from, to) =>
      callStripe(async () => {
        const created = { gte: seconds(from), lt: seconds(to) };
        const charges = new Map<string, Stripe.Charge>();
        for await (const charge of stripe.charges.list({ created, limit: 100, expand: ['data.balance_transaction'] })) {
          charges.set(charge.id, charge);
        }
        // Money can move in the window for a charge made before it: its balance transaction
        // settles, it is refunded, or disputed. Each such charge is compared too, so a refund in
        // December of a November gift shows in December's report.
        let balanceTransactions = 0;
        for await (const bt of stripe.balanceTransactions.list({ created, limit: 100 })) {
          balanceTransactions += 1;
          const chargeId = await chargeBehind(bt);
          if (chargeId && !charges.has(chargeId)) charges.set(chargeId, await retrieve(chargeId));
        }
        const result: StripeChargeFacts[] = [];
        for (const charge of charges.values()) result.push(await facts(charge));
        return { charges: result, balanceTransactions };
      }),

    findCharge: (ref) =>
      callStripe(async () => {
        const missingIsNull = async <T>(fn: () => Promise<T>): Promise<T | null> => {
          try {
            return await fn();
          } catch (error) {
            if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return null;
            throw error;
          }
        };
        const byId = ref.chargeId ? await missingIsNull(() => retrieve(ref.chargeId!)) : null;
        if (byId) return facts(byId);
        if (!ref.paymentIntentId) return null;
        const pi = await missingIsNull(() => stripe.paymentIntents.retrieve(ref.paymentIntentId!));
        const chargeId = idOf(pi?.latest_charge);
        const charge = chargeId ? await missingIsNull(() => retrieve(chargeId)) : null;
        return charge ? facts(charge) : null;
      }),
  };
}
