// What can go wrong, in the service's own terms. Domains and adapters (src/stripe/) raise these;
// src/http/error-handler.ts gives each its HTTP status, once. No domain code knows a status code.
import type { z } from 'zod';

/** One problem with one input field (or with the request as a whole when `field` is absent). */
export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

export abstract class DomainError extends Error {
  constructor(
    /** The public code clients see ("not_found", "stripe_unavailable"...). */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input breaks a rule; `details` name each field that failed, for the form and for the API. */
export class ValidationFailed extends DomainError {
  constructor(
    readonly details: ErrorDetail[],
    message?: string,
  ) {
    const fields = [...new Set(details.map((d) => d.field).filter(Boolean))];
    super('validation_failed', message ?? (fields.length ? `Invalid ${fields.join(', ')}` : 'Invalid request'));
  }

  /** One field's problem, said with the field's name. */
  static field(field: string, message: string): ValidationFailed {
    return new ValidationFailed([{ field, message }], `Invalid ${field}: ${message}`);
  }
}

export class NotFound extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

/** The request cannot be done in the state things are in (a used key, a taken slug...). */
export class Conflict extends DomainError {
  constructor(message: string, code = 'conflict') {
    super(code, message);
  }
}

/** A link or token that grants nothing: never valid, or valid once and `expired` now. */
export class LinkRefused extends DomainError {
  constructor(
    readonly expired: boolean,
    message: string,
  ) {
    super(expired ? 'link_expired' : 'link_invalid', message);
  }
}

/** A limit of ours is reached for now; the same request later may pass. */
export class LimitReached extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

/** The payment provider failed in a way that says nothing about the request (a bug, a bad answer). */
export class PaymentProviderError extends DomainError {
  constructor(message = 'Something went wrong on our side', options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'internal_error', message, options);
  }
}

/** The payment provider is down, slow or throttling us: nothing was taken, a retry later may pass. */
export class PaymentProviderUnavailable extends PaymentProviderError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, code: 'stripe_unavailable' });
  }
}

/** The payment provider refused our request: our side is wrong, the same call will fail again. */
export class PaymentProviderRefused extends PaymentProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: 'stripe_error' });
  }
}

/** A zod failure as field problems: the path of each issue (or the unknown key) names the field. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => {
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const field = [...issue.path, ...unknownKeys.slice(0, 1)].map(String).join('.') || undefined;
    return { ...(field ? { field } : {}), message: issue.message };
  });
}
