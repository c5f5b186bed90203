import { newId, newSecret } from './ids.ts';
import type { StripeObject } from './store.ts';

export type PaymentMethodKind = 'card' | 'sepa_debit';

export function buildPaymentIntent(
  created: number,
  a: {
    amount: number;
    currency: string;
    customer: string | null;
    description: string | null;
    metadata: Record<string, string>;
    receiptEmail: string | null;
    methodTypes: PaymentMethodKind[];
  },
): StripeObject {
  const id = newId('pi');
  return {
    id,
    object: 'payment_intent',
    amount: a.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    allowed_payment_method_types: null,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${id}_secret_${newSecret('x', 25).slice(2)}`,
    confirmation_method: 'automatic',
    created,
    currency: a.currency,
    customer: a.customer,
    customer_account: null,
    description: a.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: { enabled: false },
    metadata: { ...a.metadata },
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: a.methodTypes,
    payment_record: null,
    processing: null,
    receipt_email: a.receiptEmail,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
}

/** The test card and bank account the emulator's donors pay with (Stripe's own test numbers). */
const CARD = { expMonth: 12, expYear: 2034 };
const SEPA = { bankCode: '37040044', country: 'DE', fingerprint: 'EmuSepaFp0000001', last4: '3000' };
const cardLast4 = (declined: boolean) => (declined ? '0002' : '4242');
const cardFingerprint = (declined: boolean) => (declined ? 'EmuCardFpDecline' : 'EmuCardFp0000001');

const BILLING_ADDRESS = { city: null, country: 'US', line1: null, line2: null, postal_code: '94103', state: null };

export function billingDetails(email: string | null): Record<string, unknown> {
  return { address: { ...BILLING_ADDRESS }, email, name: null, phone: null, tax_id: null };
}

/** The payment method a donor used for an attempt, as a PaymentMethod object. */
export function buildPaymentMethod(
  created: number,
  a: { kind: PaymentMethodKind; email: string | null; customer: string | null; declined: boolean },
): StripeObject {
  const details = a.kind === 'sepa_debit'
    ? {
        sepa_debit: {
          bank_code: SEPA.bankCode,
          branch_code: null,
          country: SEPA.country,
          fingerprint: SEPA.fingerprint,
          generated_from: { charge: null, setup_attempt: null },
          last4: SEPA.last4,
        },
      }
    : {
        card: {
          brand: 'visa',
          checks: { address_line1_check: null, address_postal_code_check: 'pass', cvc_check: 'pass' },
          country: 'US',
          display_brand: 'visa',
          exp_month: CARD.expMonth,
          exp_year: CARD.expYear,
          fingerprint: cardFingerprint(a.declined),
          funding: 'credit',
          generated_from: null,
          last4: cardLast4(a.declined),
          networks: { available: ['visa'], preferred: null },
          regulated_status: 'unregulated',
          three_d_secure_usage: { supported: true },
          wallet: null,
        },
      };
  return {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: billingDetails(a.email),
    ...details,
    created,
    customer: a.customer,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: a.kind,
  };
}

function paymentMethodDetails(kind: PaymentMethodKind, amount: number, declined: boolean): Record<string, unknown> {
  if (kind === 'sepa_debit') {
    return {
      // expected_debit_date is omitted, as Stripe does while it does not know the date.
      sepa_debit: { bank_code: SEPA.bankCode, branch_code: null, country: SEPA.country, fingerprint: SEPA.fingerprint, last4: SEPA.last4, mandate: newId('mandate') },
      type: 'sepa_debit',
    };
  }
  return {
    card: {
      amount_authorized: declined ? null : amount,
      authorization_code: declined ? null : '123456',
      brand: 'visa',
      checks: { address_line1_check: null, address_postal_code_check: 'pass', cvc_check: 'pass' },
      country: 'US',
      electronic_commerce_indicator: null,
      exp_month: CARD.expMonth,
      exp_year: CARD.expYear,
      extended_authorization: { status: 'disabled' },
      fingerprint: cardFingerprint(declined),
      funding: 'credit',
      incremental_authorization: { status: 'unavailable' },
      installments: null,
      last4: cardLast4(declined),
      mandate: null,
      multicapture: { status: 'unavailable' },
      network: 'visa',
      network_token: { used: false },
      network_transaction_id: declined ? null : '104102978678771',
      overcapture: { maximum_amount_capturable: amount, status: 'unavailable' },
      regulated_status: 'unregulated',
      three_d_secure: null,
      transaction_link_id: null,
      wallet: null,
    },
    type: 'card',
  };
}

export function buildCharge(
  created: number,
  a: {
    amount: number;
    currency: string;
    customer: string | null;
    description: string | null;
    metadata: Record<string, string>;
    paymentIntent: string;
    paymentMethod: string;
    kind: PaymentMethodKind;
    email: string | null;
    receiptBaseUrl: string;
    declined: boolean;
  },
): StripeObject {
  const id = newId('ch');
  return {
    id,
    object: 'charge',
    amount: a.amount,
    amount_captured: a.declined ? 0 : a.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: billingDetails(a.email),
    calculated_statement_descriptor: 'STRIPE EMULATOR',
    captured: !a.declined,
    created,
    currency: a.currency,
    customer: a.customer,
    description: a.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: a.declined ? 'card_declined' : null,
    failure_message: a.declined ? 'Your card was declined.' : null,
    fraud_details: {},
    livemode: false,
    metadata: { ...a.metadata },
    on_behalf_of: null,
    outcome: a.declined
      ? { advice_code: 'try_again_later', network_advice_code: null, network_decline_code: null, network_status: 'declined_by_network', reason: 'generic_decline', risk_level: 'normal', risk_score: 20, seller_message: 'The bank did not return any further details with this decline.', type: 'issuer_declined' }
      : { advice_code: null, network_advice_code: null, network_decline_code: null, network_status: 'approved_by_network', reason: null, risk_level: 'normal', risk_score: 20, seller_message: 'Payment complete.', type: 'authorized' },
    paid: !a.declined,
    payment_intent: a.paymentIntent,
    payment_method: a.paymentMethod,
    payment_method_details: paymentMethodDetails(a.kind, a.amount, a.declined),
    receipt_email: null,
    receipt_number: null,
    receipt_url: `${a.receiptBaseUrl}/receipts/${id}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: a.declined ? 'failed' : 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
}

export type BalanceTransactionType = 'charge' | 'refund' | 'refund_failure' | 'adjustment' | 'payout' | 'payout_failure' | 'payout_cancel';

export function buildBalanceTransaction(
  created: number,
  a: {
    amount: number;
    fee: number;
    currency: string;
    description: string | null;
    source: string;
    type: BalanceTransactionType;
    reportingCategory: string;
    availableOn: number;
    feeDescription?: string;
  },
): StripeObject {
  return {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: a.amount,
    available_on: a.availableOn,
    balance_type: 'payments',
    created,
    currency: a.currency,
    description: a.description,
    exchange_rate: null,
    fee: a.fee,
    fee_details: a.fee === 0
      ? []
      : [{ amount: a.fee, application: null, currency: a.currency, description: a.feeDescription ?? 'Stripe processing fees', type: 'stripe_fee' }],
    net: a.amount - a.fee,
    reporting_category: a.reportingCategory,
    source: a.source,
    status: a.availableOn <= created ? 'available' : 'pending',
    type: a.type,
  };
}

export function buildRefund(
  created: number,
  a: { amount: number; charge: StripeObject; reason: string | null; metadata: Record<string, string> },
): StripeObject {
  return {
    id: newId('re'),
    object: 'refund',
    amount: a.amount,
    balance_transaction: null,
    charge: a.charge.id,
    created,
    currency: a.charge.currency,
    customer: a.charge.customer,
    customer_account: null,
    destination_details: a.charge.payment_method_details?.type === 'card'
      // No `reference` until the card network assigns one: Stripe omits it rather than sending null.
      ? { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' }
      : { type: a.charge.payment_method_details?.type ?? 'card' },
    metadata: a.metadata,
    payment_intent: a.charge.payment_intent,
    payment_method: a.charge.payment_method,
    reason: a.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    // A bank debit is refunded by a credit transfer that takes days: pending until the bank says.
    status: a.charge.payment_method_details?.type === 'sepa_debit' ? 'pending' : 'succeeded',
    transfer_reversal: null,
  };
}

const EMPTY_EVIDENCE_KEYS = [
  'access_activity_log', 'billing_address', 'cancellation_policy', 'cancellation_policy_disclosure',
  'cancellation_rebuttal', 'customer_communication', 'customer_email_address', 'customer_name',
  'customer_purchase_ip', 'customer_signature', 'duplicate_charge_documentation',
  'duplicate_charge_explanation', 'duplicate_charge_id', 'product_description', 'receipt', 'refund_policy',
  'refund_policy_disclosure', 'refund_refusal_explanation', 'service_date', 'service_documentation',
  'shipping_address', 'shipping_carrier', 'shipping_date', 'shipping_documentation',
  'shipping_tracking_number', 'uncategorized_file', 'uncategorized_text',
];

export function buildDispute(
  created: number,
  a: { amount: number; charge: StripeObject; reason: string },
): StripeObject {
  const evidence: Record<string, unknown> = Object.fromEntries(EMPTY_EVIDENCE_KEYS.map((k) => [k, null]));
  evidence.enhanced_evidence = {};
  return {
    id: newId('dp'),
    object: 'dispute',
    amount: a.amount,
    balance_transactions: [],
    charge: a.charge.id,
    created,
    currency: a.charge.currency,
    enhanced_eligibility_types: [],
    evidence,
    evidence_details: {
      due_by: created + 7 * 86400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: a.charge.payment_intent,
    payment_method_details: { card: { brand: 'visa', case_type: 'chargeback', network: 'visa', network_reason_code: '10.4' }, type: 'card' },
    reason: a.reason,
    status: 'needs_response',
  };
}

export function buildPayout(
  created: number,
  a: { amount: number; currency: string; balanceTransaction: string; arrivalDate: number },
): StripeObject {
  return {
    id: newId('po'),
    object: 'payout',
    amount: a.amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: a.arrivalDate,
    automatic: true,
    balance_transaction: a.balanceTransaction,
    created,
    currency: a.currency,
    description: 'STRIPE PAYOUT',
    destination: 'ba_1EmulatorBankAcct0000001',
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: {},
    method: 'standard',
    original_payout: null,
    payout_method: null,
    reconciliation_status: 'completed',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: null,
    status: 'pending',
    trace_id: { status: 'supported', value: `EMU${created}` },
    type: 'bank_account',
  };
}
