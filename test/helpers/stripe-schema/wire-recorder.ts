/**
 * An HTTP client for the stripe SDK that records every response body exactly as it came over the
 * wire (before the SDK turns `*_decimal` strings into Decimal objects or error bodies into errors).
 */
import Stripe from 'stripe';

export interface WireResponse {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string | string[]>;
  body: unknown;
}

type HttpClient = NonNullable<Stripe.StripeConfig['httpClient']>;

export function recordingHttpClient(sink: WireResponse[]): HttpClient {
  const inner = Stripe.createNodeHttpClient();
  return {
    getClientName: () => 'recording',
    async makeRequest(host, port, path, method, headers, data, protocol, timeout) {
      const res = await inner.makeRequest(host, port, path, method, headers, data, protocol, timeout);
      const toJSON = res.toJSON.bind(res);
      // The SDK reads each body once, through toJSON; a copy taken there is the wire JSON.
      return Object.assign(Object.create(res) as typeof res, {
        toJSON: async () => {
          const json: unknown = await toJSON();
          sink.push({ method, path, status: res.getStatusCode(), headers: res.getHeaders(), body: structuredClone(json) });
          return json;
        },
      });
    },
  };
}
