import { invalidParam, missingParam, resourceMissing } from './errors.ts';
import {
  asArray,
  asParams,
  isCurrency,
  metadataParam,
  optEnum,
  optInt,
  optString,
  rejectUnknown,
  stringArray,
  type Params,
} from './params.ts';
import type { Recurring } from './objects-checkout.ts';

/** Every top-level parameter Stripe accepts on Checkout Session create; the rest are a 400 like on Stripe. */
const KNOWN_PARAMS = new Set([
  'adaptive_pricing', 'after_expiration', 'allow_promotion_codes', 'automatic_tax', 'billing_address_collection',
  'branding_settings', 'cancel_url', 'client_reference_id', 'consent_collection', 'currency', 'custom_fields',
  'custom_text', 'customer', 'customer_account', 'customer_creation', 'customer_email', 'customer_update',
  'discounts', 'excluded_payment_method_types', 'expand', 'expires_at', 'invoice_creation', 'line_items', 'locale',
  'metadata', 'mode', 'name_collection', 'optional_items', 'origin_context', 'payment_intent_data',
  'payment_method_collection', 'payment_method_configuration', 'payment_method_data', 'payment_method_options',
  'payment_method_types', 'permissions', 'phone_number_collection', 'redirect_on_completion', 'return_url',
  'saved_payment_method_options', 'setup_intent_data', 'shipping_address_collection', 'shipping_options',
  'submit_type', 'subscription_data', 'success_url', 'tax_id_collection', 'ui_mode', 'wallet_options',
]);
const LINE_ITEM_PARAMS = new Set(['adjustable_quantity', 'dynamic_tax_rates', 'metadata', 'price', 'price_data', 'quantity', 'tax_rates']);
const PRICE_DATA_PARAMS = new Set(['currency', 'product', 'product_data', 'recurring', 'tax_behavior', 'unit_amount', 'unit_amount_decimal']);
const PAYMENT_INTENT_DATA_PARAMS = new Set([
  'application_fee_amount', 'capture_method', 'description', 'metadata', 'on_behalf_of', 'receipt_email',
  'setup_future_usage', 'shipping', 'statement_descriptor', 'statement_descriptor_suffix', 'transfer_data', 'transfer_group',
]);
const SUBSCRIPTION_DATA_PARAMS = new Set([
  'application_fee_percent', 'billing_cycle_anchor', 'billing_mode', 'default_tax_rates', 'description',
  'invoice_settings', 'metadata', 'on_behalf_of', 'pending_invoice_item_interval', 'proration_behavior',
  'transfer_data', 'trial_end', 'trial_period_days', 'trial_settings',
]);

/** Stripe's minimum charge amounts (minor units) for the currencies a donation site is likely to use. */
const MINIMUM_CHARGE: Record<string, number> = {
  usd: 50, eur: 50, gbp: 30, cad: 50, aud: 50, chf: 50, nzd: 50, sgd: 50, jpy: 50, brl: 50, inr: 50,
  dkk: 250, nok: 300, sek: 300, pln: 200, czk: 1500, huf: 17500, mxn: 1000, hkd: 400, ron: 200, bgn: 100,
  aed: 200, thb: 1000, myr: 200,
};
const MAXIMUM_AMOUNT = 99_999_999;
const SUBMIT_TYPES = ['auto', 'book', 'donate', 'pay', 'subscribe'] as const;
const INTERVALS = ['day', 'week', 'month', 'year'] as const;
const UI_MODES = ['elements', 'embedded_page', 'form', 'hosted_page'] as const;

export interface LineItemInput {
  currency: string;
  unitAmount: number;
  quantity: number;
  productName: string;
  productDescription: string | null;
  recurring: Recurring | null;
}

export interface SessionCreateInput {
  mode: 'payment' | 'subscription';
  currency: string;
  lineItems: LineItemInput[];
  amountTotal: number;
  successUrl: string | null;
  cancelUrl: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  submitType: string | null;
  locale: string | null;
  expiresAt: number;
  paymentIntentMetadata: Record<string, string>;
  paymentIntentDescription: string | null;
  subscriptionMetadata: Record<string, string>;
}

function urlParam(p: Params, key: string): string | null {
  const v = optString(p, key);
  if (v === undefined || v === '') return null;
  let ok = false;
  try {
    const u = new URL(v.replace(/\{CHECKOUT_SESSION_ID\}/g, 'x'));
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) throw invalidParam('Not a valid URL', key, 'url_invalid');
  if (v.length > 5000) throw invalidParam('URL too long (max 5000 characters)', key);
  return v;
}

function parseLineItem(raw: unknown, i: number, mode: string): LineItemInput {
  const base = `line_items[${i}]`;
  const item = asParams(raw, base);
  rejectUnknown(item, LINE_ITEM_PARAMS, base);
  if (item.price !== undefined) throw resourceMissing('price', String(item.price), `${base}[price]`);
  if (item.price_data === undefined) throw invalidParam(`You must specify either \`price\` or \`price_data\` for ${base}.`, `${base}[price_data]`);
  const pd = asParams(item.price_data, `${base}[price_data]`);
  rejectUnknown(pd, PRICE_DATA_PARAMS, `${base}[price_data]`);
  const currency = optString(pd, 'currency', `${base}[price_data][currency]`)?.toLowerCase();
  if (!currency) throw missingParam(`${base}[price_data][currency]`);
  if (!isCurrency(currency)) throw invalidParam(`Invalid currency: ${currency}`, `${base}[price_data][currency]`);
  const unitAmount = optInt(pd, 'unit_amount', `${base}[price_data][unit_amount]`);
  if (unitAmount === undefined) throw missingParam(`${base}[price_data][unit_amount]`);
  if (unitAmount < 0) throw invalidParam('Invalid non-negative integer', `${base}[price_data][unit_amount]`);
  if (unitAmount > MAXIMUM_AMOUNT) throw invalidParam(`Amount must be no more than ${MAXIMUM_AMOUNT}`, `${base}[price_data][unit_amount]`, 'amount_too_large');
  const quantity = optInt(item, 'quantity', `${base}[quantity]`);
  if (quantity === undefined) throw missingParam(`${base}[quantity]`);
  if (quantity < 1) throw invalidParam('Quantity must be greater than 0', `${base}[quantity]`);

  if (pd.product !== undefined) throw resourceMissing('product', String(pd.product), `${base}[price_data][product]`);
  const productData = asParams(pd.product_data, `${base}[price_data][product_data]`);
  const productName = optString(productData, 'name', `${base}[price_data][product_data][name]`);
  if (!productName) throw missingParam(`${base}[price_data][product_data][name]`);
  const productDescription = optString(productData, 'description', `${base}[price_data][product_data][description]`) ?? null;

  let recurring: Recurring | null = null;
  if (pd.recurring !== undefined) {
    const r = asParams(pd.recurring, `${base}[price_data][recurring]`);
    const interval = optEnum(r, 'interval', INTERVALS, `${base}[price_data][recurring][interval]`);
    if (!interval) throw missingParam(`${base}[price_data][recurring][interval]`);
    const count = optInt(r, 'interval_count', `${base}[price_data][recurring][interval_count]`) ?? 1;
    if (count < 1) throw invalidParam('Invalid interval_count', `${base}[price_data][recurring][interval_count]`);
    recurring = { interval, interval_count: count };
  }
  if (mode === 'payment' && recurring) {
    throw invalidParam(
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
      `${base}[price_data][recurring]`,
    );
  }
  return { currency, unitAmount, quantity, productName, productDescription, recurring };
}

/** Validates a create request the way Stripe does, returning the normalised input. */
export function parseSessionCreate(body: Params, nowSec: number): SessionCreateInput {
  rejectUnknown(body, KNOWN_PARAMS);
  const mode = optEnum(body, 'mode', ['payment', 'subscription', 'setup'] as const);
  if (!mode) throw missingParam('mode');
  if (mode === 'setup') throw invalidParam('The emulator supports `payment` and `subscription` mode only.', 'mode');

  const rawItems = asArray(body.line_items, 'line_items');
  if (rawItems.length === 0) throw missingParam('line_items');
  if (rawItems.length > 100) throw invalidParam('You may only specify up to 100 line items.', 'line_items');
  const lineItems = rawItems.map((raw, i) => parseLineItem(raw, i, mode));

  const currencies = new Set(lineItems.map((li) => li.currency));
  if (currencies.size > 1) throw invalidParam('All line items must use the same currency.', 'line_items');
  const currency = lineItems[0]!.currency;
  const explicitCurrency = optString(body, 'currency')?.toLowerCase();
  if (explicitCurrency !== undefined && explicitCurrency !== currency) {
    throw invalidParam(`The currency of the line items (${currency}) does not match \`currency\` (${explicitCurrency}).`, 'currency');
  }

  if (mode === 'subscription') {
    if (!lineItems.some((li) => li.recurring)) {
      throw invalidParam('You must specify at least one recurring price in `subscription` mode when using prices.', 'line_items');
    }
    if (lineItems.length > 1) throw invalidParam('The emulator supports one line item in `subscription` mode.', 'line_items');
    if (body.payment_intent_data !== undefined) throw invalidParam('You can not pass `payment_intent_data` in `subscription` mode.', 'payment_intent_data');
  }
  if (mode === 'payment' && body.subscription_data !== undefined) {
    throw invalidParam('You can not pass `subscription_data` in `payment` mode.', 'subscription_data');
  }

  const amountTotal = lineItems.reduce((sum, li) => sum + li.unitAmount * li.quantity, 0);
  const minimum = MINIMUM_CHARGE[currency];
  if (mode === 'payment' && minimum !== undefined && amountTotal < minimum) {
    throw invalidParam(
      `The Checkout Session's total amount due must add up to at least ${minimum} ${currency} (in the currency's smallest unit).`,
      'line_items',
      'amount_too_small',
    );
  }
  if (amountTotal > MAXIMUM_AMOUNT) throw invalidParam(`The total amount must be no more than ${MAXIMUM_AMOUNT}`, 'line_items', 'amount_too_large');

  const expiresAt = optInt(body, 'expires_at') ?? nowSec + 24 * 3600;
  if (expiresAt - nowSec < 30 * 60) {
    throw invalidParam('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', 'expires_at');
  }
  if (expiresAt - nowSec > 24 * 3600) {
    throw invalidParam('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', 'expires_at');
  }

  const customerEmail = optString(body, 'customer_email') || null;
  if (customerEmail !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(customerEmail)) {
    throw invalidParam(`Invalid email address: ${customerEmail}`, 'customer_email', 'email_invalid');
  }
  const clientReferenceId = optString(body, 'client_reference_id') || null;
  if (clientReferenceId !== null && clientReferenceId.length > 200) {
    throw invalidParam('client_reference_id must be at most 200 characters', 'client_reference_id');
  }
  // The values of the pinned API version (`hosted` was renamed `hosted_page`); the emulator serves a hosted page only.
  const uiMode = optEnum(body, 'ui_mode', UI_MODES);
  if (uiMode !== undefined && uiMode !== 'hosted_page') throw invalidParam('The emulator only serves `ui_mode=hosted_page` sessions.', 'ui_mode');
  if (body.payment_method_types !== undefined) stringArray(body.payment_method_types, 'payment_method_types');
  if (body.customer !== undefined) throw resourceMissing('customer', String(body.customer), 'customer');

  const pid = asParams(body.payment_intent_data, 'payment_intent_data');
  rejectUnknown(pid, PAYMENT_INTENT_DATA_PARAMS, 'payment_intent_data');
  const sd = asParams(body.subscription_data, 'subscription_data');
  rejectUnknown(sd, SUBSCRIPTION_DATA_PARAMS, 'subscription_data');

  return {
    mode,
    currency,
    lineItems,
    amountTotal,
    successUrl: urlParam(body, 'success_url'),
    cancelUrl: urlParam(body, 'cancel_url'),
    customerEmail,
    clientReferenceId,
    metadata: metadataParam(body.metadata),
    submitType: optEnum(body, 'submit_type', SUBMIT_TYPES) ?? null,
    locale: optString(body, 'locale') || null,
    expiresAt,
    paymentIntentMetadata: metadataParam(pid.metadata, 'payment_intent_data[metadata]'),
    paymentIntentDescription: optString(pid, 'description', 'payment_intent_data[description]') || null,
    subscriptionMetadata: metadataParam(sd.metadata, 'subscription_data[metadata]'),
  };
}
