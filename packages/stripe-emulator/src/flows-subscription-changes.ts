// What a donor can change about a subscription, through the API (subscriptions.update) or the
// customer portal: the price (no proration, as the service asks), a pause of collection, the
// card, and cancellation. Each emits customer.subscription.updated with what it changed.
import { nowSec, type EmulatorContext, type RequestInfo } from './context.ts';
import { invalidParam, invalidRequest } from './errors.ts';
import { buildPrice } from './objects-checkout.ts';
import { usePaymentMethod } from './flows-payments.ts';
import { asParams, metadataParam, optInt, optString, type Params } from './params.ts';
import type { StripeObject } from './store.ts';

function planOf(price: StripeObject): Record<string, unknown> {
  return {
    id: price.id, object: 'plan', active: price.active, amount: price.unit_amount, amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit', created: price.created, currency: price.currency, interval: price.recurring.interval,
    interval_count: price.recurring.interval_count, livemode: false, metadata: {}, meter: null, nickname: null,
    product: price.product, tiers_mode: null, transform_usage: null, trial_period_days: null, usage_type: 'licensed',
  };
}

/** `items[0]`: a new price for the existing item (by `price` id or inline `price_data`). */
function newPriceFor(ctx: EmulatorContext, item: StripeObject, input: Params): StripeObject | null {
  if (input.price) {
    const id = optString(input, 'price', 'items[0][price]')!;
    const price = ctx.store.prices.get(id);
    if (!price) throw invalidRequest(`No such price: '${id}'`, 'items[0][price]', 'resource_missing');
    return price;
  }
  if (input.price_data === undefined) return null;
  const pd = asParams(input.price_data, 'items[0][price_data]');
  const unitAmount = optInt(pd, 'unit_amount', 'items[0][price_data][unit_amount]');
  if (unitAmount === undefined || unitAmount < 1) throw invalidParam('Invalid positive integer', 'items[0][price_data][unit_amount]');
  const currency = (optString(pd, 'currency', 'items[0][price_data][currency]') ?? item.price.currency).toLowerCase();
  if (currency !== item.price.currency) throw invalidParam('The currency of a subscription cannot change.', 'items[0][price_data][currency]');
  const recurring = asParams(pd.recurring ?? {}, 'items[0][price_data][recurring]');
  const price = buildPrice(nowSec(ctx), {
    currency,
    unitAmount,
    productId: optString(pd, 'product', 'items[0][price_data][product]') ?? item.price.product,
    recurring: {
      interval: (optString(recurring, 'interval', 'items[0][price_data][recurring][interval]') ?? item.price.recurring.interval) as never,
      interval_count: optInt(recurring, 'interval_count') ?? item.price.recurring.interval_count,
    },
  });
  ctx.store.prices.set(price.id, price);
  return price;
}

export function updateSubscription(ctx: EmulatorContext, sub: StripeObject, input: Params, req: RequestInfo): StripeObject {
  if (sub.status === 'canceled') throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.', 'subscription');
  const previous: Record<string, unknown> = {};
  if (input.items !== undefined) {
    const items = Array.isArray(input.items) ? input.items : Object.values(asParams(input.items, 'items'));
    const change = asParams(items[0], 'items[0]');
    const item = sub.items.data[0];
    if (change.id !== undefined && change.id !== item.id) throw invalidRequest(`No such subscription item: '${String(change.id)}'`, 'items[0][id]', 'resource_missing');
    const price = newPriceFor(ctx, item, change);
    const quantity = optInt(change, 'quantity', 'items[0][quantity]');
    if (price || quantity !== undefined) {
      previous.items = { data: [structuredClone(item)] };
      if (price) Object.assign(item, { price, plan: planOf(price) });
      if (quantity !== undefined) item.quantity = quantity;
    }
  }
  if (input.pause_collection !== undefined) {
    previous.pause_collection = sub.pause_collection;
    if (input.pause_collection === '') sub.pause_collection = null;
    else {
      const behavior = optString(asParams(input.pause_collection, 'pause_collection'), 'behavior', 'pause_collection[behavior]');
      if (!behavior || !['keep_as_draft', 'mark_uncollectible', 'void'].includes(behavior)) {
        throw invalidParam('Invalid pause_collection[behavior]', 'pause_collection[behavior]');
      }
      sub.pause_collection = { behavior, resumes_at: null };
    }
  }
  if (input.metadata !== undefined) {
    previous.metadata = { ...sub.metadata };
    sub.metadata = { ...sub.metadata, ...metadataParam(input.metadata) };
    for (const [k, v] of Object.entries(sub.metadata)) if (v === '') delete sub.metadata[k];
  }
  if (Object.keys(previous).length) ctx.emit('customer.subscription.updated', sub, req, previous);
  return sub;
}

/** The customer portal's card form: a new card becomes the subscriptions' default. */
export function replaceCard(ctx: EmulatorContext, customer: StripeObject, req: RequestInfo): StripeObject {
  const pm = usePaymentMethod(ctx, { kind: 'card', email: customer.email, customer: customer.id });
  ctx.emit('payment_method.attached', pm, req);
  for (const sub of ctx.store.subscriptions.values()) {
    if (sub.customer !== customer.id || sub.status === 'canceled') continue;
    const previous = { default_payment_method: sub.default_payment_method };
    sub.default_payment_method = pm.id;
    ctx.emit('customer.subscription.updated', sub, req, previous);
  }
  return pm;
}
