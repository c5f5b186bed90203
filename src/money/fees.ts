// The processing-fee model used when a donor chooses to cover the fee: Stripe's standard card
// pricing (a percentage plus a fixed amount per charge) by default, configurable because it
// differs by country, card and payment method. The model only sizes the donor's extra gift; the
// real fee always comes from Stripe's balance transaction.
export interface FeeModel {
  /** Percentage in basis points: 290 = 2.9%. */
  percentBps: number;
  /** Fixed part, in minor units of the charge's currency. */
  fixed: number;
}

export const DEFAULT_FEE_MODEL: FeeModel = { percentBps: 290, fixed: 30 };

/** The fee the model expects on a charge of `gross` minor units, rounded up. */
export function expectedFee(gross: number, model: FeeModel): number {
  return Math.ceil((gross * model.percentBps) / 10_000) + model.fixed;
}

/**
 * The smallest gross charge whose expected fee leaves at least `intended` for the campaign:
 * gross - fee(gross) >= intended. Solved exactly in integers (no floats), then checked.
 */
export function grossUpForFees(intended: number, model: FeeModel): { gross: number; coveredFee: number } {
  let gross = Math.ceil(((intended + model.fixed) * 10_000) / (10_000 - model.percentBps));
  while (gross - expectedFee(gross, model) < intended) gross += 1;
  while (gross - 1 - expectedFee(gross - 1, model) >= intended) gross -= 1;
  return { gross, coveredFee: gross - intended };
}
