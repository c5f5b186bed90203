import type { FaultList } from './faults.ts';
import type { Store, StripeObject } from './store.ts';

export interface EmulatorLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

/** The API request that caused a state change; copied into each event's `request`. */
export interface RequestInfo {
  id: string | null;
  idempotencyKey: string | null;
}

export const NO_REQUEST: RequestInfo = { id: null, idempotencyKey: null };

export interface FeeModel {
  percentBps: number;
  fixed: number;
}

/** Everything flows and routes share; one per emulator instance, never module-level. */
export interface EmulatorContext {
  store: Store;
  /** Faults injected by tests, met by API requests before they reach an endpoint. */
  faults: FaultList;
  apiVersion: string;
  feeModel: FeeModel;
  logger: EmulatorLogger;
  nowMs(): number;
  publicUrl(): string;
  emit(type: string, object: StripeObject, req: RequestInfo, previousAttributes?: Record<string, unknown>): StripeObject;
}

export function nowSec(ctx: EmulatorContext): number {
  return Math.floor(ctx.nowMs() / 1000);
}
