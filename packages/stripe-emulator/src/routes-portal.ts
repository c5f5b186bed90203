// subscriptions.update, billing_portal.sessions.create and the hosted customer portal page, where
// a donor updates the card or cancels, as on Stripe's own portal.
import express, { type Router } from 'express';
import { NO_REQUEST, nowSec, type EmulatorContext } from './context.ts';
import { missingParam } from './errors.ts';
import { cancelSubscription } from './flows-billing.ts';
import { replaceCard, updateSubscription } from './flows-subscription-changes.ts';
import type { ApiRegistrar } from './http.ts';
import { newId } from './ids.ts';
import { optString } from './params.ts';
import { findIn } from './routes-payments.ts';
import type { StripeObject } from './store.ts';
import { formatAmount } from './checkout-page.ts';

export type PortalSessions = Map<string, StripeObject>;

export function registerPortalRoutes(api: ApiRegistrar, ctx: EmulatorContext, portal: PortalSessions): void {
  api.post('/subscriptions/:id', ({ params, input, req }) =>
    updateSubscription(ctx, findIn(ctx.store.subscriptions, params.id!, 'subscription'), input, req),
  );
  api.post('/billing_portal/sessions', ({ input }) => {
    const customerId = optString(input, 'customer');
    if (!customerId) throw missingParam('customer');
    findIn(ctx.store.customers, customerId, 'customer');
    const id = newId('bps');
    const session = {
      id, object: 'billing_portal.session', configuration: 'bpc_emulator', created: nowSec(ctx), customer: customerId,
      customer_account: null, flow: null, livemode: false, locale: null, on_behalf_of: null,
      return_url: optString(input, 'return_url') ?? null, url: `${ctx.publicUrl()}/portal/${id}`,
    };
    portal.set(id, session);
    return session;
  });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function portalPage(ctx: EmulatorContext, session: StripeObject, notice?: string): string {
  const subs = [...ctx.store.subscriptions.values()].filter((s) => s.customer === session.customer);
  const rows = subs.map((s) => {
    const item = s.items.data[0];
    const state = s.status === 'canceled' ? 'Canceled' : s.pause_collection ? 'Paused' : 'Active';
    const cancel = s.status === 'canceled' ? '' : `<form method="post" action="/portal/${esc(session.id)}/cancel/${esc(s.id)}"><button class="secondary" id="cancel-${esc(s.id)}">Cancel subscription</button></form>`;
    return `<li data-subscription="${esc(s.id)}"><strong>${formatAmount(item.price.unit_amount * item.quantity, item.price.currency)} / ${esc(item.price.recurring.interval)}</strong> · <span data-state>${state}</span>${cancel}</li>`;
  });
  const back = session.return_url ? `<p><a id="return" href="${esc(session.return_url)}">Return</a></p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Customer portal</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1f36}button{padding:.6rem 1rem;margin:.4rem 0;border-radius:6px;border:1px solid #635bff;background:#635bff;color:#fff}button.secondary{background:#fff;color:#635bff}li{margin:1rem 0}.notice{color:#0a7d33;font-weight:600}</style></head>
<body><p>Stripe emulator &middot; customer portal &middot; test mode</p>${notice ? `<p class="notice" role="status">${esc(notice)}</p>` : ''}
<h1>Your subscriptions</h1><ul>${rows.join('')}</ul>
<h2>Payment method</h2><form method="post" action="/portal/${esc(session.id)}/card"><label>Card number <input name="number" value="4242 4242 4242 4242" inputmode="numeric"></label>
<button id="update-card">Update card</button></form>${back}</body></html>`;
}

export function createPortalPageRouter(ctx: EmulatorContext, portal: PortalSessions): Router {
  const router = express.Router();
  const session = (id: string) => portal.get(id);
  const notFound = (res: express.Response) => res.status(404).type('html').send('<h1>No such portal session</h1>');
  const req = () => ({ ...NO_REQUEST, id: newId('req') });

  router.get('/portal/:id', (r, res) => {
    const s = session(r.params.id);
    if (!s) return void notFound(res);
    res.type('html').send(portalPage(ctx, s));
  });
  router.post('/portal/:id/card', (r, res) => {
    const s = session(r.params.id);
    if (!s) return void notFound(res);
    replaceCard(ctx, ctx.store.customers.get(s.customer)!, req());
    res.type('html').send(portalPage(ctx, s, 'Your card was updated.'));
  });
  router.post('/portal/:id/cancel/:sub', (r, res) => {
    const s = session(r.params.id);
    const sub = ctx.store.subscriptions.get(r.params.sub);
    if (!s || !sub || sub.customer !== s.customer) return void notFound(res);
    if (sub.status !== 'canceled') cancelSubscription(ctx, sub, req());
    res.type('html').send(portalPage(ctx, s, 'Your subscription was canceled.'));
  });
  return router;
}
