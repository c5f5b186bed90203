// What a failed Stripe call means for our caller, said once in the domain's terms: Stripe being
// down, slow or throttling is PaymentProviderUnavailable (retry later, nothing was taken); Stripe
// refusing our request is PaymentProviderRefused (our side is wrong: logged as an error, the donor
// gets a plain message). src/http/error-handler.ts gives each its status.
import Stripe from 'stripe';
import { DomainError, PaymentProviderError, PaymentProviderRefused, PaymentProviderUnavailable } from '../errors.ts';

export function toProviderError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof Stripe.errors.StripeRateLimitError) {
    return new PaymentProviderUnavailable('Our payment provider is busy. Please try again in a minute; you have not been charged.', 30, {
      cause: error,
    });
  }
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
  ) {
    return new PaymentProviderUnavailable(
      'Our payment provider cannot be reached right now. Please try again shortly; you have not been charged.',
      10,
      { cause: error },
    );
  }
  if (error instanceof Stripe.errors.StripeError) {
    return new PaymentProviderRefused('Our payment provider refused the request. Please try again later; you have not been charged.', {
      cause: error,
    });
  }
  return new PaymentProviderError(error instanceof Error ? error.message : String(error), { cause: error });
}

/** Runs one Stripe call, its failure said as a domain error. */
export async function callStripe<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toProviderError(error);
  }
}
