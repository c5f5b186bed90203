/**
 * Where Stripe's own payloads in test/fixtures/stripe/ differ from the schemas of the pinned API
 * version (2026-10-28.endive), and why. The calibration test requires exactly these differences:
 * a new one means the schemas are wrong (or the fixture is), a listed one that no longer shows
 * means this list is stale. Paths are JSON pointers into the payload.
 */

export interface Calibration {
  /** The API version the payload was rendered with. */
  apiVersion: string;
  /** Required now, absent then: added by a later API version. */
  added?: string[];
  /** Present then, not a field of the pinned version: removed or renamed since. */
  removed?: string[];
  /** Present in both, with a value the pinned version no longer allows. */
  changed?: string[];
  /** Expansions into resources the emulator does not model (the schemas leave them out on purpose). */
  unmodelledExpansions?: string[];
}

/** Stripe's example object per resource (stripe/openapi fixtures3.json, captured 2026-07-29). */
export const EXAMPLE_DIFFERENCES: Record<string, Calibration> = {
  'checkout.session': { apiVersion: 'examples of 2026-07-29', added: ['/allowed_payment_method_types'] },
  payment_intent: {
    apiVersion: 'examples of 2026-07-29',
    added: ['/allowed_payment_method_types', '/payment_record'],
    unmodelledExpansions: ['/transfer_data/destination'],
  },
  charge: {
    apiVersion: 'examples of 2026-07-29',
    added: ['/payment_method_details/card/electronic_commerce_indicator'],
    unmodelledExpansions: ['/transfer_data/destination'],
  },
  dispute: { apiVersion: 'examples of 2026-07-29', added: ['/intended_submission_method', '/evidence_details/submission_method'] },
  subscription: {
    apiVersion: 'examples of 2026-07-29',
    added: [
      '/cancellation_details/feedback_option', '/items/data/0/current_trial', '/pending_update/cancel_at_period_end',
      '/trial_settings/end_behavior/billing_cycle_anchor',
    ],
    unmodelledExpansions: ['/transfer_data/destination'],
  },
  subscription_item: { apiVersion: 'examples of 2026-07-29', added: ['/current_trial'] },
  // The example still carries basil's removed invoice.subscription (as null).
  invoice: { apiVersion: 'examples of 2026-07-29', removed: ['/subscription'] },
  product: { apiVersion: 'examples of 2026-07-29', added: ['/tax_details'] },
};

/** Real captured events (see PROVENANCE.md), each rendered with an older API version. */
export const FIXTURE_DIFFERENCES: Record<string, Calibration> = {
  'charge.dispute.created.json': {
    apiVersion: '2025-04-30.basil',
    added: ['/data/object/intended_submission_method', '/data/object/evidence_details/submission_method', '/data/object/payment_method_details/card/network'],
    // Replaced by balance_transactions[].
    removed: ['/data/object/balance_transaction'],
  },
  'charge.dispute.closed.json': {
    apiVersion: '2025-04-30.basil',
    added: ['/data/object/intended_submission_method', '/data/object/evidence_details/submission_method', '/data/object/payment_method_details/card/network'],
    removed: ['/data/object/balance_transaction'],
  },
  'charge.refunded.json': {
    apiVersion: '2020-03-02',
    added: [
      '/data/object/billing_details/tax_id', '/data/object/outcome/advice_code', '/data/object/outcome/network_advice_code',
      '/data/object/outcome/network_decline_code', '/data/object/payment_method_details/card/amount_authorized',
      '/data/object/payment_method_details/card/authorization_code', '/data/object/payment_method_details/card/electronic_commerce_indicator',
      '/data/object/payment_method_details/card/network_transaction_id', '/data/object/payment_method_details/card/regulated_status',
      '/data/object/payment_method_details/card/transaction_link_id', '/data/object/refunds/data/0/customer',
      '/data/object/refunds/data/0/customer_account', '/data/object/refunds/data/0/payment_method',
    ],
    // destination/dispute/order went in 2022-08-01, invoice in basil; lists no longer count their items.
    removed: [
      '/data/object/destination', '/data/object/dispute', '/data/object/invoice', '/data/object/order',
      '/data/object/refunds/total_count', '/data/previous_attributes/refunds/total_count',
    ],
  },
  'checkout.session.async_payment_succeeded.json': {
    apiVersion: '2016-03-07 (account default)',
    added: ['/data/object/allowed_payment_method_types', '/data/object/shipping_cost'],
    // Replaced by collected_information and shipping_cost.
    removed: ['/data/object/shipping', '/data/object/shipping_rate'],
    // Renamed hosted_page.
    changed: ['/data/object/ui_mode'],
  },
  'checkout.session.completed.payment.json': {
    apiVersion: '2020-03-02 (object 2025-era, test envelope)',
    added: [
      '/data/object/allowed_payment_method_types', '/data/object/customer_account', '/data/object/integration_identifier',
      '/data/object/managed_payments', '/data/object/collected_information/business_name',
      '/data/object/collected_information/individual_name', '/data/object/customer_details/business_name',
      '/data/object/customer_details/individual_name',
    ],
    removed: ['/data/object/shipping_details'],
    // ui_mode renamed hosted_page; the hand-made test envelope sets previous_attributes to null, which Stripe omits.
    changed: ['/data/object/ui_mode', '/data/previous_attributes'],
  },
  'checkout.session.completed.subscription.delivery.json': {
    apiVersion: '2022-11-15',
    added: [
      '/data/object/adaptive_pricing', '/data/object/allowed_payment_method_types', '/data/object/client_secret',
      '/data/object/collected_information', '/data/object/currency_conversion', '/data/object/customer_account',
      '/data/object/discounts', '/data/object/integration_identifier', '/data/object/managed_payments',
      '/data/object/origin_context', '/data/object/payment_method_configuration_details', '/data/object/permissions',
      '/data/object/saved_payment_method_options', '/data/object/ui_mode', '/data/object/wallet_options',
      '/data/object/automatic_tax/liability', '/data/object/automatic_tax/provider',
      '/data/object/consent_collection/payment_method_reuse_agreement', '/data/object/custom_text/after_submit',
      '/data/object/custom_text/terms_of_service_acceptance', '/data/object/customer_details/business_name',
      '/data/object/customer_details/individual_name',
    ],
    removed: ['/data/object/shipping_details'],
  },
  'checkout.session.expired.json': { apiVersion: '2026-08-26.dahlia', added: ['/data/object/allowed_payment_method_types'] },
  'customer.subscription.deleted.json': {
    apiVersion: '2020-03-02',
    added: [
      '/data/object/application', '/data/object/automatic_tax', '/data/object/billing_cycle_anchor_config',
      '/data/object/billing_mode', '/data/object/billing_schedules', '/data/object/cancellation_details',
      '/data/object/currency', '/data/object/customer_account', '/data/object/description', '/data/object/discounts',
      '/data/object/invoice_settings', '/data/object/managed_payments', '/data/object/on_behalf_of',
      '/data/object/payment_settings', '/data/object/test_clock', '/data/object/trial_settings',
      '/data/object/items/data/0/current_period_end', '/data/object/items/data/0/current_period_start',
      '/data/object/items/data/0/current_trial', '/data/object/items/data/0/discounts', '/data/object/items/data/0/plan/meter',
      '/data/object/items/data/0/price/custom_unit_amount', '/data/object/items/data/0/price/tax_behavior',
      '/data/object/items/data/0/price/recurring/meter',
    ],
    // Basil moved the period to the items and dropped plan/quantity/discount; usage aggregation went with meters.
    removed: [
      '/data/object/current_period_end', '/data/object/current_period_start', '/data/object/discount', '/data/object/plan',
      '/data/object/quantity', '/data/object/tax_percent', '/data/object/items/total_count',
      '/data/object/items/data/0/plan/aggregate_usage', '/data/object/items/data/0/price/recurring/aggregate_usage',
    ],
    // plan.tiers is omitted now where it was null.
    changed: ['/data/object/items/data/0/plan/tiers'],
  },
  'invoice.paid.delivery.json': {
    apiVersion: '2022-11-15',
    added: [
      '/data/object/amount_overpaid', '/data/object/automatically_finalizes_at', '/data/object/customer_account',
      '/data/object/effective_at', '/data/object/issuer', '/data/object/parent', '/data/object/rendering',
      '/data/object/total_pretax_credit_amounts', '/data/object/total_taxes', '/data/object/automatic_tax/disabled_reason',
      '/data/object/automatic_tax/liability', '/data/object/automatic_tax/provider', '/data/object/lines/data/0/invoice',
      '/data/object/lines/data/0/parent', '/data/object/lines/data/0/pretax_credit_amounts', '/data/object/lines/data/0/pricing',
      '/data/object/lines/data/0/quantity_decimal', '/data/object/lines/data/0/subtotal', '/data/object/lines/data/0/taxes',
    ],
    // Basil's invoice: no subscription/charge/payment_intent/paid (see parent and payments), no tax amounts.
    removed: [
      '/data/object/application_fee_amount', '/data/object/charge', '/data/object/discount', '/data/object/paid',
      '/data/object/paid_out_of_band', '/data/object/payment_intent', '/data/object/quote', '/data/object/rendering_options',
      '/data/object/subscription', '/data/object/tax', '/data/object/total_tax_amounts', '/data/object/transfer_data',
      '/data/object/lines/total_count', '/data/object/lines/data/0/amount_excluding_tax', '/data/object/lines/data/0/plan',
      '/data/object/lines/data/0/price', '/data/object/lines/data/0/proration', '/data/object/lines/data/0/proration_details',
      '/data/object/lines/data/0/subscription_item', '/data/object/lines/data/0/tax_amounts', '/data/object/lines/data/0/tax_rates',
      '/data/object/lines/data/0/type', '/data/object/lines/data/0/unit_amount_excluding_tax',
    ],
  },
};
