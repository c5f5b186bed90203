import { newId } from './ids.ts';
import type { StripeObject } from './store.ts';
import type { Listable } from './list.ts';

export interface Recurring {
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count: number;
}

export function buildProduct(created: number, name: string, description: string | null): StripeObject {
  return {
    id: newId('prod'),
    object: 'product',
    active: true,
    created,
    default_price: null,
    description,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    // Stripe's default; donations are services, never shipped goods.
    type: 'service',
    unit_label: null,
    updated: created,
    url: null,
  };
}

/** A price made inline from `price_data`, as Checkout does (inactive: it belongs to that session). */
export function buildPrice(
  created: number,
  a: { currency: string; unitAmount: number; productId: string; recurring: Recurring | null },
): StripeObject {
  return {
    id: newId('price'),
    object: 'price',
    active: false,
    billing_scheme: 'per_unit',
    created,
    currency: a.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: a.productId,
    recurring: a.recurring
      ? { interval: a.recurring.interval, interval_count: a.recurring.interval_count, meter: null, trial_period_days: null, usage_type: 'licensed' }
      : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: a.recurring ? 'recurring' : 'one_time',
    unit_amount: a.unitAmount,
    unit_amount_decimal: String(a.unitAmount),
  };
}

/** Checkout's line item (`object: 'item'`), listed by /v1/checkout/sessions/:id/line_items. */
export function buildCheckoutLineItem(id: string, price: StripeObject, quantity: number, description: string): Listable {
  const amount = (price.unit_amount as number) * quantity;
  return {
    id,
    object: 'item',
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description,
    metadata: {},
    price,
    quantity,
    adjustable_quantity: null,
  };
}

export interface SessionInput {
  id: string;
  created: number;
  mode: 'payment' | 'subscription';
  currency: string;
  amountTotal: number;
  url: string;
  expiresAt: number;
  successUrl: string | null;
  cancelUrl: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  submitType: string | null;
  locale: string | null;
}

/** Field set and defaults follow Stripe's own example (openapi fixtures3) for a hosted session. */
export function buildCheckoutSession(s: SessionInput): StripeObject {
  const payment = s.mode === 'payment';
  return {
    id: s.id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: s.amountTotal,
    amount_total: s.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: s.cancelUrl,
    client_reference_id: s.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: s.created,
    currency: s.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_account: null,
    customer_creation: payment ? 'if_required' : null,
    customer_details: null,
    customer_email: s.customerEmail,
    discounts: [],
    expires_at: s.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: payment
      ? {
          enabled: false,
          invoice_data: {
            account_tax_ids: null,
            custom_fields: null,
            description: null,
            footer: null,
            issuer: null,
            metadata: {},
            rendering_options: null,
          },
        }
      : null,
    livemode: false,
    locale: s.locale,
    managed_payments: { enabled: false },
    metadata: s.metadata,
    mode: s.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: payment ? 'if_required' : 'always',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: payment
      ? { allow_redisplay_filters: ['always'], payment_method_remove: 'disabled', payment_method_save: null }
      : null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: s.submitType,
    subscription: null,
    success_url: s.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted_page',
    url: s.url,
    wallet_options: null,
  };
}

export function customerDetails(email: string | null, name: string | null): Record<string, unknown> {
  return {
    address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94103', state: null },
    business_name: null,
    email,
    individual_name: null,
    name,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
}
