// What a donor typed, kept in their own browser while they are on Checkout, so that a cancel
// brings them back to a form that still has their email, name and choices. A cookie rather than
// the return URL: an email address must not travel in links that Stripe and browser histories
// keep. HttpOnly and SameSite=Lax (the way back from Checkout is a top-level navigation).
import type { Request, Response } from 'express';
import { z } from 'zod';
import { readCookie } from './admin-session.ts';
import type { FormValues } from './donation-page.ts';

const COOKIE = 'donation_draft';
const MAX_AGE_MS = 2 * 60 * 60_000;

const draftSchema = z.object({
  email: z.string().max(254).optional(),
  name: z.string().max(100).optional(),
  coverFees: z.boolean().optional(),
  anonymous: z.boolean().optional(),
  dedication: z.string().max(200).optional(),
});

type Draft = z.infer<typeof draftSchema>;

export function saveDraft(res: Response, pledge: Draft, secure: boolean): void {
  const draft: Draft = { email: pledge.email, name: pledge.name, coverFees: pledge.coverFees, anonymous: pledge.anonymous, dedication: pledge.dedication };
  res.cookie(COOKIE, JSON.stringify(draft), { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: MAX_AGE_MS });
}

export function readDraft(req: Request): FormValues {
  const value = readCookie(req, COOKIE);
  if (!value) return {};
  try {
    const parsed = draftSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function clearDraft(res: Response, secure: boolean): void {
  res.clearCookie(COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}
