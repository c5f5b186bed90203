import { nowSec, type EmulatorContext } from './context.ts';
import { resourceMissing } from './errors.ts';
import { expandResponse, type SpecialExpanders } from './expand.ts';
import { parseSessionCreate } from './checkout-params.ts';
import { createSession, expireSession, sessionLineItems } from './flows-checkout.ts';
import type { ApiRegistrar } from './http.ts';
import { newestFirst, paginate } from './list.ts';
import { optEnum, optString } from './params.ts';
import { registerReadRoutes } from './routes-payments.ts';
import type { StripeObject } from './store.ts';

export function findSession(ctx: EmulatorContext, id: string): StripeObject {
  const session = ctx.store.sessions.get(id);
  if (!session) throw resourceMissing('checkout.session', id);
  return session;
}

export function registerCheckoutRoutes(api: ApiRegistrar, ctx: EmulatorContext): void {
  const special: SpecialExpanders = {
    'checkout.session.line_items': (s) => {
      const data = sessionLineItems(ctx, s);
      return { object: 'list', data, has_more: false, url: `/v1/checkout/sessions/${s.id}/line_items` };
    },
  };
  const respond = (session: StripeObject, input: Record<string, unknown>) => expandResponse(ctx.store, session, input, special);

  api.post('/checkout/sessions', ({ input }) => respond(createSession(ctx, parseSessionCreate(input, nowSec(ctx))), input));

  api.get('/checkout/sessions', ({ input }) => {
    const status = optEnum(input, 'status', ['open', 'complete', 'expired'] as const);
    const pi = optString(input, 'payment_intent');
    const sub = optString(input, 'subscription');
    const customer = optString(input, 'customer');
    const list = paginate(newestFirst(ctx.store.sessions), input, '/v1/checkout/sessions', 'checkout.session', (s) =>
      (!status || s.status === status) &&
      (!pi || s.payment_intent === pi) &&
      (!sub || s.subscription === sub) &&
      (!customer || s.customer === customer),
    );
    return respond(list as unknown as StripeObject, input);
  });

  api.get('/checkout/sessions/:id', ({ params, input }) => respond(findSession(ctx, params.id!), input));

  api.get('/checkout/sessions/:id/line_items', ({ params, input }) => {
    const session = findSession(ctx, params.id!);
    const items = sessionLineItems(ctx, session);
    return paginate(items, input, `/v1/checkout/sessions/${session.id}/line_items`, 'item');
  });

  // Checkout makes a product and an inactive price for each line item's price_data; both can be read back.
  registerReadRoutes(api, ctx, { path: 'prices', map: ctx.store.prices, objectName: 'price', filters: ['product', 'currency', 'type'] });
  registerReadRoutes(api, ctx, { path: 'products', map: ctx.store.products, objectName: 'product', filters: [] });

  api.post('/checkout/sessions/:id/expire', ({ params, input, req }) => respond(expireSession(ctx, findSession(ctx, params.id!), req), input));
}
