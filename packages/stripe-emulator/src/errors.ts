/** Body of a Stripe v1 error: `{error: {...}}`. Stripe's `type` has exactly these four values. */
export interface StripeErrorBody {
  type: 'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error';
  message: string;
  param?: string;
  code?: string;
  decline_code?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: object;
  payment_method?: object;
  request_log_url?: string;
}

/** Thrown anywhere in a route or flow; the HTTP layer turns it into Stripe's error response. */
export class EmulatorApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    /**
     * Whether the endpoint had begun executing: Stripe saves such results under the request's
     * idempotency key and replays them, but not a request whose parameters failed validation.
     */
    readonly executed = true,
  ) {
    super(body.message);
  }
}

const DOCS = 'https://stripe.com/docs/error-codes';

function requestError(message: string, param: string | undefined, code: string | undefined, executed: boolean): EmulatorApiError {
  return new EmulatorApiError(
    400,
    {
      type: 'invalid_request_error',
      message,
      ...(param !== undefined ? { param } : {}),
      ...(code !== undefined ? { code, doc_url: `${DOCS}/${code.replace(/_/g, '-')}` } : {}),
    },
    executed,
  );
}

/** The endpoint refuses what the request asks (a refund beyond the charge, a closed session...). */
export function invalidRequest(message: string, param?: string, code?: string): EmulatorApiError {
  return requestError(message, param, code, true);
}

/** A parameter failed validation: nothing ran, nothing is saved under the idempotency key. */
export function invalidParam(message: string, param?: string, code?: string): EmulatorApiError {
  return requestError(message, param, code, false);
}

export function missingParam(param: string): EmulatorApiError {
  return invalidParam(`Missing required param: ${param}.`, param, 'parameter_missing');
}

export function resourceMissing(objectName: string, id: string, param = 'id'): EmulatorApiError {
  return new EmulatorApiError(
    404,
    {
      type: 'invalid_request_error',
      code: 'resource_missing',
      doc_url: `${DOCS}/resource-missing`,
      message: `No such ${objectName}: '${id}'`,
      param,
    },
    false,
  );
}

export function unrecognizedUrl(method: string, path: string): EmulatorApiError {
  return new EmulatorApiError(
    404,
    {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    },
    false,
  );
}
