// The ids a bank debit's charge brings before and after it settles, merged into its payment.
import type { Prisma } from '../generated/prisma/client.ts';

export function createBankDebitRepository(client: Prisma.TransactionClient) {
  return {
    /** Fills what is still unknown on the payment of this payment intent; false when there is none yet. */
    async linkCharge(paymentIntentId: string, chargeId: string, balanceTransactionId: string | null): Promise<boolean> {
      const n = await client.$executeRaw`
        UPDATE payments SET
          stripe_charge_id = COALESCE(stripe_charge_id, ${chargeId}),
          stripe_balance_transaction_id = COALESCE(stripe_balance_transaction_id, ${balanceTransactionId}),
          updated_at = now()
        WHERE stripe_payment_intent_id = ${paymentIntentId}`;
      return n > 0;
    },
  };
}

export type BankDebitRepository = ReturnType<typeof createBankDebitRepository>;
