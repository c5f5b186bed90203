import express, { type Router } from 'express';
import { NO_REQUEST, type EmulatorContext } from './context.ts';
import { EmulatorApiError } from './errors.ts';
import { paySession, sessionLineItems, sweepExpiredSessions, type PayOutcome } from './flows-checkout.ts';
import { newId } from './ids.ts';
import type { StripeObject } from './store.ts';

const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function formatAmount(minor: number, currency: string): string {
  const digits = ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2;
  return `${(minor / 10 ** digits).toFixed(digits)} ${currency.toUpperCase()}`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1f36}
.box{border:1px solid #e3e8ee;border-radius:8px;padding:1.5rem}.amount{font-size:2rem;font-weight:600}
button{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem;border-radius:6px;border:1px solid #635bff;background:#635bff;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#635bff}.error{color:#df1b41;font-weight:600}.note{color:#697386;font-size:.85rem}</style>
</head><body><p class="note">Stripe emulator &middot; test mode</p>${body}</body></html>`;
}

export function renderCheckoutPage(ctx: EmulatorContext, session: StripeObject, error?: string): string {
  const items = sessionLineItems(ctx, session);
  const name = items.map((i) => i.description as string).join(', ');
  const recurring = items[0]?.price?.recurring as { interval: string } | null | undefined;
  const amount = `${formatAmount(session.amount_total as number, session.currency as string)}${recurring ? ` / ${recurring.interval}` : ''}`;
  const cancel = session.cancel_url ? `<p><a id="cancel" href="${escapeHtml(session.cancel_url as string)}">Cancel and go back</a></p>` : '';
  if (session.status !== 'open') {
    return page('Checkout', `<div class="box"><h1 id="session-closed">This checkout session is ${escapeHtml(session.status as string)}.</h1><p>${escapeHtml(name)}</p>${cancel}</div>`);
  }
  const action = `/checkout/${encodeURIComponent(session.id)}`;
  const button = (id: string, outcome: PayOutcome, label: string, cls = '') =>
    `<form method="post" action="${action}"><input type="hidden" name="outcome" value="${outcome}"><button id="${id}" type="submit"${cls ? ` class="${cls}"` : ''}>${label}</button></form>`;
  return page(
    `Pay ${amount}`,
    `<div class="box">
<p id="line-item">${escapeHtml(name)}</p>
<p class="amount" id="amount" data-amount="${session.amount_total}" data-currency="${escapeHtml(session.currency as string)}">${escapeHtml(amount)}</p>
${session.customer_email ? `<p id="email">${escapeHtml(session.customer_email as string)}</p>` : ''}
${error ? `<p class="error" id="error" role="alert">${escapeHtml(error)}</p>` : ''}
${button('pay', 'succeeded', session.submit_type === 'donate' ? 'Donate' : 'Pay')}
${session.mode === 'payment' ? button('pay-delayed', 'delayed', 'Pay by bank debit (delayed)', 'secondary') : ''}
${button('decline', 'failed', 'Decline card', 'secondary')}
${cancel}
</div>`,
  );
}

/** The hosted page at the session's `url`: a browser-driven stand-in for Stripe Checkout. */
export function createCheckoutPageRouter(ctx: EmulatorContext): Router {
  const router = express.Router();
  const find = (id: string) => {
    sweepExpiredSessions(ctx);
    return ctx.store.sessions.get(id);
  };

  router.get('/checkout/:id', (req, res) => {
    const session = find(req.params.id);
    if (!session) return void res.status(404).type('html').send(page('Not found', '<h1>No such checkout session</h1>'));
    res.type('html').send(renderCheckoutPage(ctx, session));
  });

  router.post('/checkout/:id', (req, res) => {
    const session = find(req.params.id);
    if (!session) return void res.status(404).type('html').send(page('Not found', '<h1>No such checkout session</h1>'));
    const raw = (req.body as Record<string, unknown> | undefined)?.outcome;
    const outcome: PayOutcome = raw === 'delayed' || raw === 'failed' ? raw : 'succeeded';
    try {
      paySession(ctx, session, outcome, { ...NO_REQUEST, id: newId('req') });
    } catch (err) {
      if (!(err instanceof EmulatorApiError)) throw err;
      return void res.status(err.status === 402 ? 200 : err.status).type('html').send(renderCheckoutPage(ctx, session, err.body.message));
    }
    if (!session.success_url) return void res.type('html').send(page('Paid', '<h1 id="paid">Payment complete</h1>'));
    res.redirect(303, (session.success_url as string).replace(/\{CHECKOUT_SESSION_ID\}/g, session.id));
  });

  return router;
}
