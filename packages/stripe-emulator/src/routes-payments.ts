import type { EmulatorContext } from './context.ts';
import { invalidParam, invalidRequest, missingParam, resourceMissing } from './errors.ts';
import { expandResponse, type SpecialExpanders } from './expand.ts';
import { balanceSummary, refundCharge } from './flows-payments.ts';
import type { ApiRegistrar } from './http.ts';
import { newestFirst, paginate, rangeFilter } from './list.ts';
import { metadataParam, optEnum, optInt, optString, type Params } from './params.ts';
import type { StripeObject } from './store.ts';

export function findIn(map: Map<string, StripeObject>, id: string, objectName: string): StripeObject {
  const obj = map.get(id);
  if (!obj) throw resourceMissing(objectName, id);
  return obj;
}

/** GET /v1/<name> and GET /v1/<name>/:id with `expand[]`, plus equality filters on the given fields. */
export function registerReadRoutes(
  api: ApiRegistrar,
  ctx: EmulatorContext,
  a: {
    path: string;
    map: Map<string, StripeObject>;
    objectName: string;
    filters: string[];
    extraFilter?: (o: StripeObject, input: Params) => boolean;
    /** Includable fields that are not stored ids (e.g. a charge's refunds list). */
    special?: SpecialExpanders;
  },
): void {
  api.get(`/${a.path}`, ({ input }) => {
    const wanted = a.filters.map((f) => [f, optString(input, f)] as const).filter(([, v]) => v !== undefined && v !== '');
    const list = paginate(newestFirst(a.map), input, `/v1/${a.path}`, a.objectName, (o) =>
      wanted.every(([f, v]) => o[f] === v) && (a.extraFilter ? a.extraFilter(o, input) : true),
    );
    return expandResponse(ctx.store, list, input, a.special);
  });
  api.get(`/${a.path}/:id`, ({ params, input }) => expandResponse(ctx.store, findIn(a.map, params.id!, a.objectName), input, a.special));
}

export function registerPaymentRoutes(api: ApiRegistrar, ctx: EmulatorContext): void {
  const { store } = ctx;
  registerReadRoutes(api, ctx, {
    path: 'charges',
    map: store.charges,
    objectName: 'charge',
    filters: ['customer', 'payment_intent'],
    // Since 2022-11-15 a charge carries its refunds only when asked for with expand[]=refunds.
    special: {
      'charge.refunds': (charge) => {
        const data = newestFirst(store.refunds).filter((r) => r.charge === charge.id);
        return { object: 'list', data, has_more: false, url: `/v1/charges/${charge.id}/refunds` };
      },
    },
  });
  registerReadRoutes(api, ctx, { path: 'payment_methods', map: store.paymentMethods, objectName: 'payment_method', filters: ['customer', 'type'] });
  registerReadRoutes(api, ctx, { path: 'payment_intents', map: store.paymentIntents, objectName: 'payment_intent', filters: ['customer'] });
  registerReadRoutes(api, ctx, { path: 'refunds', map: store.refunds, objectName: 'refund', filters: ['charge', 'payment_intent'] });
  registerReadRoutes(api, ctx, { path: 'disputes', map: store.disputes, objectName: 'dispute', filters: ['charge', 'payment_intent'] });
  registerReadRoutes(api, ctx, {
    path: 'payouts',
    map: store.payouts,
    objectName: 'payout',
    filters: ['status', 'destination'],
    extraFilter: (o, input) => {
      const arrival = rangeFilter(input, 'arrival_date');
      return arrival === null || arrival(o.arrival_date as number);
    },
  });
  registerReadRoutes(api, ctx, {
    path: 'balance_transactions',
    map: store.balanceTransactions,
    objectName: 'balance_transaction',
    filters: ['type', 'source', 'currency'],
    extraFilter: (o, input) => {
      const payout = optString(input, 'payout');
      return !payout || store.balanceTransactionPayout.get(o.id) === payout;
    },
  });

  api.get('/balance', () => balanceSummary(ctx));

  api.post('/refunds', ({ input, req }) => {
    const chargeId = optString(input, 'charge');
    const piId = optString(input, 'payment_intent');
    if (!chargeId && !piId) throw missingParam('charge');
    if (chargeId && piId) throw invalidParam('You may only specify one of these parameters: charge, payment_intent.', 'payment_intent', 'parameters_exclusive');
    let charge: StripeObject;
    if (chargeId) charge = findIn(store.charges, chargeId, 'charge');
    else {
      const pi = findIn(store.paymentIntents, piId!, 'payment_intent');
      if (pi.status !== 'succeeded' || !pi.latest_charge) {
        throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, 'payment_intent');
      }
      charge = findIn(store.charges, pi.latest_charge as string, 'charge');
    }
    const refund = refundCharge(
      ctx,
      charge,
      {
        amount: optInt(input, 'amount'),
        reason: optEnum(input, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const) ?? null,
        metadata: metadataParam(input.metadata),
      },
      req,
    );
    return expandResponse(store, refund, input);
  });
}
