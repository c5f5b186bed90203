// /admin/statements?email=&year=: a donor's statement as a printable page, behind the dashboard's session.
import { Router } from 'express';
import { z } from 'zod';
import { NotFound } from '../errors.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { StatementService } from './statement-service.ts';

const query = z.object({ email: z.email().max(254), year: z.coerce.number().int().min(2000).max(2100) });

export function statementRoutes(statements: StatementService): Router {
  const router = Router();
  router.get('/statements', async (req, res) => {
    const { email, year } = parseOrThrow(query, req.query);
    const page = await statements.printable(year, email);
    if (!page) throw new NotFound(`Gifts from ${email} in ${year}`);
    // The statement's own markup has no script or remote resource; a print stylesheet is not needed.
    res.type('html').send(page);
  });
  return router;
}
