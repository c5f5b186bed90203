/**
 * A Stripe object as it goes over the wire. Kept loose on purpose: the emulator stores exactly the JSON
 * Stripe would return, and the contract tests (not the type system) hold it to Stripe's real shapes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StripeObject = { id: string; object: string; created: number; [key: string]: any };

export interface SessionLineItem {
  id: string;
  priceId: string;
  quantity: number;
}

/** What Checkout keeps about a session besides the session object itself. */
export interface SessionExtras {
  lineItems: SessionLineItem[];
  paymentIntentMetadata: Record<string, string>;
  paymentIntentDescription: string | null;
  subscriptionMetadata: Record<string, string>;
  /** Set while a delayed (bank debit) payment waits for settle. */
  delayedPending: boolean;
}

export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  body: unknown;
  requestId: string;
  createdAtMs: number;
}

export interface Store {
  sessions: Map<string, StripeObject>;
  sessionExtras: Map<string, SessionExtras>;
  prices: Map<string, StripeObject>;
  products: Map<string, StripeObject>;
  customers: Map<string, StripeObject>;
  paymentIntents: Map<string, StripeObject>;
  paymentMethods: Map<string, StripeObject>;
  charges: Map<string, StripeObject>;
  balanceTransactions: Map<string, StripeObject>;
  refunds: Map<string, StripeObject>;
  disputes: Map<string, StripeObject>;
  payouts: Map<string, StripeObject>;
  subscriptions: Map<string, StripeObject>;
  invoices: Map<string, StripeObject>;
  invoicePayments: Map<string, StripeObject>;
  /** Oldest first, like the public `events` array. */
  events: StripeObject[];
  eventsById: Map<string, StripeObject>;
  idempotency: Map<string, IdempotencyRecord>;
  /** Stripe does not put the payout id on a balance transaction; it only answers `?payout=`. */
  balanceTransactionPayout: Map<string, string>;
}

export function createStore(): Store {
  return {
    sessions: new Map(),
    sessionExtras: new Map(),
    prices: new Map(),
    products: new Map(),
    customers: new Map(),
    paymentIntents: new Map(),
    paymentMethods: new Map(),
    charges: new Map(),
    balanceTransactions: new Map(),
    refunds: new Map(),
    disputes: new Map(),
    payouts: new Map(),
    subscriptions: new Map(),
    invoices: new Map(),
    invoicePayments: new Map(),
    events: [],
    eventsById: new Map(),
    idempotency: new Map(),
    balanceTransactionPayout: new Map(),
  };
}

/** Maps an id prefix to its collection, for `expand[]` and lookups by bare id. */
export function collectionForId(store: Store, id: string): Map<string, StripeObject> | undefined {
  const prefix = id.startsWith('cs_') ? 'cs' : id.slice(0, id.indexOf('_'));
  switch (prefix) {
    case 'cs': return store.sessions;
    case 'price': return store.prices;
    case 'prod': return store.products;
    case 'cus': return store.customers;
    case 'pi': return store.paymentIntents;
    case 'pm': return store.paymentMethods;
    case 'ch': return store.charges;
    case 'txn': return store.balanceTransactions;
    case 're': return store.refunds;
    case 'dp': return store.disputes;
    case 'po': return store.payouts;
    case 'sub': return store.subscriptions;
    case 'in': return store.invoices;
    case 'inpay': return store.invoicePayments;
    case 'evt': return store.eventsById;
    default: return undefined;
  }
}
