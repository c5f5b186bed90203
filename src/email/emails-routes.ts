// /admin/emails: the Emails tab, behind the dashboard's session and inside its frame (mounted by
// src/web/admin-dashboard-routes.ts, which leaves the frame in res.locals.adminFrame). Reads go through the staff pool.
import { Router } from 'express';
import { z } from 'zod';
import { NotFound } from '../errors.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { OutboxRepository } from './outbox-repository.ts';
import { emailPage, emailsPage } from './emails-page.ts';

const listQuery = z.object({ to: z.string().trim().max(254).optional().transform((v) => v || undefined) });
const idParams = z.object({ id: z.uuid() });

export function emailsRoutes(deps: { outbox: OutboxRepository; catcher: boolean }): Router {
  const router = Router();
  router.get('/emails', async (req, res) => {
    const { to } = parseOrThrow(listQuery, req.query);
    res.type('html').send(emailsPage(res.locals.adminFrame, { rows: await deps.outbox.list(200, to), to, catcher: deps.catcher }));
  });
  router.get('/emails/:id', async (req, res) => {
    const { id } = parseOrThrow(idParams, req.params);
    const email = await deps.outbox.find(id);
    if (!email) throw new NotFound(`Email '${id}'`);
    res.type('html').send(emailPage(res.locals.adminFrame, email));
  });
  // The message's own HTML, on its own: nothing in it may run or load, even were it hostile.
  router.get('/emails/:id/html', async (req, res) => {
    const { id } = parseOrThrow(idParams, req.params);
    const email = await deps.outbox.find(id);
    if (!email) throw new NotFound(`Email '${id}'`);
    res.set('Content-Security-Policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'");
    res.set('X-Frame-Options', 'SAMEORIGIN');
    res.type('html').send(email.html);
  });
  return router;
}
