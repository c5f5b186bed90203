// What the manage domain shows: a donor's gifts and receipts.
export interface DonorGift {
  id: string;
  campaignTitle: string;
  frequency: 'once' | 'monthly';
  amount: number;
  coveredFee: number;
  coverFees: boolean;
  currency: string;
  status: string;
  subscriptionStatus: string | null;
  subscriptionStatusAt: Date | null;
  stripeSubscriptionId: string | null;
  stripeCustomerId: string | null;
  pausedAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
}

export interface DonorReceipt {
  id: string;
  subject: string;
  createdAt: Date;
}
