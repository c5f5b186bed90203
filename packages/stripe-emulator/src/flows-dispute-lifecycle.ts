// Disputes through their states, as Stripe runs them. An inquiry (warning_needs_response) is a
// question from the bank: no money moves, and it ends warning_closed. A chargeback
// (needs_response) takes the money at once. Submitting evidence (POST /v1/disputes/:id with
// submit=true, Stripe's own call) puts either under review; charge.dispute.updated says so.
import { nowSec, type EmulatorContext, type RequestInfo } from './context.ts';
import { invalidRequest } from './errors.ts';
import { buildDispute } from './objects-payments.ts';
import type { StripeObject } from './store.ts';

const REVIEW: Record<string, string> = { needs_response: 'under_review', warning_needs_response: 'warning_under_review' };

export function openInquiry(ctx: EmulatorContext, charge: StripeObject, a: { amount: number | undefined; reason: string }, req: RequestInfo): StripeObject {
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be disputed.`, 'charge');
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} is already disputed.`, 'charge');
  const dispute = buildDispute(nowSec(ctx), { amount: a.amount ?? charge.amount - charge.amount_refunded, charge, reason: a.reason });
  Object.assign(dispute, { status: 'warning_needs_response', is_charge_refundable: true });
  dispute.payment_method_details.card.case_type = 'inquiry';
  ctx.store.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  ctx.emit('charge.dispute.created', dispute, req);
  return dispute;
}

/** Evidence for the dispute; with `submit`, it goes to the bank and the dispute is under review. */
export function updateDispute(
  ctx: EmulatorContext,
  dispute: StripeObject,
  a: { evidence: Record<string, string>; metadata: Record<string, string> | undefined; submit: boolean },
  req: RequestInfo,
): StripeObject {
  const reviewing = REVIEW[dispute.status];
  if (!reviewing) throw invalidRequest(`This dispute is ${dispute.status} and can no longer be updated.`, 'dispute');
  const previous: Record<string, unknown> = { evidence: structuredClone(dispute.evidence) };
  Object.assign(dispute.evidence, a.evidence);
  if (a.metadata) {
    previous.metadata = structuredClone(dispute.metadata);
    dispute.metadata = { ...dispute.metadata, ...a.metadata };
  }
  dispute.evidence_details.has_evidence = Object.values(dispute.evidence).some((v) => typeof v === 'string' && v !== '');
  if (a.submit) {
    previous.status = dispute.status;
    dispute.status = reviewing;
    dispute.evidence_details.submission_count += 1;
  }
  ctx.emit('charge.dispute.updated', dispute, req, previous);
  return dispute;
}

/** The bank closes an inquiry: nothing was taken, nothing is given back. */
export function closeInquiry(ctx: EmulatorContext, dispute: StripeObject, req: RequestInfo): StripeObject {
  const previous = { status: dispute.status };
  dispute.status = 'warning_closed';
  ctx.emit('charge.dispute.closed', dispute, req, previous);
  return dispute;
}
