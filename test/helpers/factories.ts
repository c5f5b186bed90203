// Rows inserted straight into the database, for tests of reads and of the database's own rules.
import type { Database } from '../../src/db/client.ts';

export interface CampaignInput {
  slug?: string;
  goal?: number;
  currency?: string;
  startsAt?: Date;
  endsAt?: Date;
  presetAmounts?: number[];
  /** IANA zone; the schema's default is UTC. */
  timezone?: string;
}

export async function insertCampaign(db: Database, input: CampaignInput = {}) {
  const now = Date.now();
  return db.prisma.campaign.create({
    data: {
      slug: input.slug ?? 'test-campaign',
      title: 'Test campaign',
      description: 'A campaign for tests',
      goal: BigInt(input.goal ?? 100_000),
      currency: input.currency ?? 'usd',
      startsAt: input.startsAt ?? new Date(now - 86_400_000),
      endsAt: input.endsAt ?? new Date(now + 30 * 86_400_000),
      presetAmounts: input.presetAmounts ?? [1000, 2500],
      ...(input.timezone ? { timezone: input.timezone } : {}),
    },
  });
}

export async function insertPledge(
  db: Database,
  campaignId: string,
  input: { amount?: number; coveredFee?: number; email?: string; frequency?: 'once' | 'monthly' } = {},
) {
  return db.prisma.pledge.create({
    data: {
      campaignId,
      amount: input.amount ?? 5000,
      coveredFee: input.coveredFee ?? 0,
      coverFees: (input.coveredFee ?? 0) > 0,
      currency: 'usd',
      frequency: input.frequency ?? 'once',
      email: input.email ?? 'donor@example.org',
    },
  });
}

let seq = 0;
export async function insertPayment(
  db: Database,
  pledge: { id: string; campaignId: string },
  input: Partial<{
    status: 'pending' | 'succeeded' | 'failed';
    amount: number;
    coveredFee: number;
    amountRefunded: number;
    disputeStatus: 'none' | 'open' | 'won' | 'lost';
    disputedAmount: number;
    flag: string | null;
  }> = {},
) {
  seq += 1;
  return db.prisma.payment.create({
    data: {
      pledgeId: pledge.id,
      campaignId: pledge.campaignId,
      status: input.status ?? 'succeeded',
      currency: 'usd',
      amount: input.amount ?? 5000,
      coveredFee: input.coveredFee ?? 0,
      amountRefunded: input.amountRefunded ?? 0,
      disputeStatus: input.disputeStatus ?? 'none',
      disputedAmount: input.disputedAmount ?? 0,
      flag: input.flag ?? null,
      stripePaymentIntentId: `pi_test_${process.pid}_${seq}`,
      paidAt: new Date(),
    },
  });
}
