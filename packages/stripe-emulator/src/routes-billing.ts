import type { EmulatorContext } from './context.ts';
import { expandResponse } from './expand.ts';
import { cancelSubscription } from './flows-billing.ts';
import type { ApiRegistrar } from './http.ts';
import { findIn, registerReadRoutes } from './routes-payments.ts';
import { optString } from './params.ts';

export function registerBillingRoutes(api: ApiRegistrar, ctx: EmulatorContext): void {
  const { store } = ctx;
  registerReadRoutes(api, ctx, { path: 'customers', map: store.customers, objectName: 'customer', filters: ['email'] });
  registerReadRoutes(api, ctx, {
    path: 'invoices',
    map: store.invoices,
    objectName: 'invoice',
    filters: ['customer', 'status'],
    extraFilter: (o, input) => {
      const sub = optString(input, 'subscription');
      return !sub || o.parent?.subscription_details?.subscription === sub;
    },
  });
  registerReadRoutes(api, ctx, { path: 'invoice_payments', map: store.invoicePayments, objectName: 'invoice_payment', filters: ['invoice', 'status'] });
  registerReadRoutes(api, ctx, {
    path: 'subscriptions',
    map: store.subscriptions,
    objectName: 'subscription',
    filters: ['customer'],
    // Stripe lists non-canceled subscriptions unless asked for `status=all` or a specific status.
    extraFilter: (o, input) => {
      const status = optString(input, 'status');
      if (status === 'all') return true;
      return status ? o.status === status : o.status !== 'canceled';
    },
  });

  api.del('/subscriptions/:id', ({ params, input, req }) =>
    expandResponse(store, cancelSubscription(ctx, findIn(store.subscriptions, params.id!, 'subscription'), req), input),
  );
}
