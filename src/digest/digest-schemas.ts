// What a sign-up may send, in one place: the JSON API and the HTML forms share these rules (and
// the OpenAPI document is generated from them).
import { z } from 'zod';
import { email, text } from '../pledges/pledge-schemas.ts';

/** POST /api/digest/subscriptions. `donation_form` is not for clients: the donation form's box records it itself. */
export const signUpRequestSchema = z.strictObject({
  email,
  name: text(100)
    .optional()
    .transform((s) => (s ? s : undefined))
    .describe('how to greet the reader (optional)'),
  source: z.enum(['page', 'widget'], 'must be page or widget').optional().default('page').describe('where the sign-up was made (default page)'),
});

/** The HTML forms: the same fields, and a honeypot field that people never see. */
export const signUpFormSchema = signUpRequestSchema.extend({ website: z.string().max(1000).optional() });

export const SIGNED_UP_MESSAGE = 'Thank you. If this address can get the digest, a confirmation email is on its way: click the link in it to start receiving the digest.';

/** The answer to every well-formed sign-up, known address or not. */
export const signUpResponseSchema = z.object({
  status: z.literal('check_your_inbox'),
  message: z.string(),
});

export const digestTokenParams = z.object({ token: z.string().max(200) });
