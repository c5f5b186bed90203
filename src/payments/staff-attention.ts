// What needs a person: disputes and inquiries waiting on an answer (by their evidence deadline),
// monthly gifts whose payments are failing (with their dunning state).
// Read on the admin pool, never the donors'.
import type { Database } from '../db/client.ts';
import { createDisputeRepository } from './dispute-repository.ts';
import type { OpenDispute } from './disputes.ts';
import { createDunningRepository } from '../pledges/dunning-repository.ts';
import type { FailingMonthlyGift } from '../pledges/dunning.ts';

export interface StaffAttention {
  openDisputes(): Promise<OpenDispute[]>;
  failingMonthly(): Promise<FailingMonthlyGift[]>;
}

const LIST_LIMIT = 50;

export function createStaffAttention(db: Pick<Database, 'prisma'>): StaffAttention {
  const disputes = createDisputeRepository(db.prisma);
  const dunning = createDunningRepository(db.prisma);
  return {
    openDisputes: () => disputes.open(LIST_LIMIT),
    failingMonthly: () => dunning.failing(LIST_LIMIT),
  };
}
