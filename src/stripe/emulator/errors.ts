/** Body of a Stripe v1 error: `{error: {...}}`. */
export interface StripeErrorBody {
  type: 'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error' | 'authentication_error' | 'rate_limit_error';
  message: string;
  param?: string;
  code?: string;
  decline_code?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: object;
  request_log_url?: string;
}

/** Thrown anywhere in a route or flow; the HTTP layer turns it into Stripe's error response. */
export class EmulatorApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

const DOCS = 'https://stripe.com/docs/error-codes';

export function invalidRequest(message: string, param?: string, code?: string): EmulatorApiError {
  return new EmulatorApiError(400, {
    type: 'invalid_request_error',
    message,
    ...(param !== undefined ? { param } : {}),
    ...(code !== undefined ? { code, doc_url: `${DOCS}/${code.replace(/_/g, '-')}` } : {}),
  });
}

export function missingParam(param: string): EmulatorApiError {
  return invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');
}

export function resourceMissing(objectName: string, id: string, param = 'id'): EmulatorApiError {
  return new EmulatorApiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    doc_url: `${DOCS}/resource-missing`,
    message: `No such ${objectName}: '${id}'`,
    param,
  });
}

export function unrecognizedUrl(method: string, path: string): EmulatorApiError {
  return new EmulatorApiError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}
