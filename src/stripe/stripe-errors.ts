// What a failed Stripe call means for our caller, mapped once: Stripe being down, slow or
// throttling is a 503 (retry later, nothing was taken); Stripe refusing our request is a 502
// (our side is wrong: logged as an error, the donor gets a plain message).
import Stripe from 'stripe';
import { AppError } from '../http/app-error.ts';

export function toStripeAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof Stripe.errors.StripeRateLimitError) {
    return new AppError(503, 'stripe_unavailable', 'Our payment provider is busy. Please try again in a minute; you have not been charged.', undefined, {
      'Retry-After': '30',
    });
  }
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
  ) {
    return new AppError(503, 'stripe_unavailable', 'Our payment provider cannot be reached right now. Please try again shortly; you have not been charged.', undefined, {
      'Retry-After': '10',
    });
  }
  if (error instanceof Stripe.errors.StripeError) {
    return new AppError(502, 'stripe_error', 'Our payment provider refused the request. Please try again later; you have not been charged.');
  }
  return error instanceof Error ? new AppError(500, 'internal_error', 'Something went wrong on our side') : new AppError(500, 'internal_error', String(error));
}

/** Whether a Stripe failure may pass if the same call is made again later. */
export function isTransientStripeError(error: unknown): boolean {
  return toStripeAppError(error).status === 503;
}
