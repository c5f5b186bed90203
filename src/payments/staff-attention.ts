// What needs a person: disputes and inquiries waiting on an answer (by their evidence deadline).
// Read on the admin pool, never the donors'.
import type { Database } from '../db/client.ts';
import { createDisputeRepository } from './dispute-repository.ts';
import type { OpenDispute } from './disputes.ts';

export interface StaffAttention {
  openDisputes(): Promise<OpenDispute[]>;
}

const LIST_LIMIT = 50;

export function createStaffAttention(db: Pick<Database, 'prisma'>): StaffAttention {
  const disputes = createDisputeRepository(db.prisma);
  return {
    openDisputes: () => disputes.open(LIST_LIMIT),
  };
}
