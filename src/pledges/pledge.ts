export type Frequency = 'once' | 'monthly';
export type PledgeStatus = 'pending' | 'completed' | 'failed' | 'expired' | 'cancelled';

export interface Pledge {
  id: string;
  campaignId: string;
  amount: number;
  coveredFee: number;
  currency: string;
  frequency: Frequency;
  coverFees: boolean;
  email: string;
  name: string | null;
  anonymous: boolean;
  message: string | null;
  dedication: string | null;
  status: PledgeStatus;
  checkoutSessionId: string | null;
  checkoutUrl: string | null;
  stripeSubscriptionId: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export type NewPledge = Pick<
  Pledge,
  'campaignId' | 'amount' | 'coveredFee' | 'currency' | 'frequency' | 'coverFees' | 'email' | 'name' | 'anonymous'
  | 'message' | 'dedication' | 'idempotencyKey' | 'requestHash'
>;
