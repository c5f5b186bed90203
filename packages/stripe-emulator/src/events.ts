import type { EmulatorContext, RequestInfo } from './context.ts';
import { newId } from './ids.ts';
import type { Store, StripeObject } from './store.ts';

export interface EventSink {
  (event: StripeObject): void;
}

/**
 * Builds the `emit` function: every state change becomes a Stripe Event whose `data.object` is a
 * snapshot taken now, so later mutations of the stored object never leak into an older event.
 */
export function createEmitter(
  store: Store,
  deps: { apiVersion: string; nowMs: () => number; pendingWebhooks: () => number; sink: EventSink },
): EmulatorContext['emit'] {
  return (type, object, req: RequestInfo, previousAttributes) => {
    const event: StripeObject = {
      id: newId('evt'),
      object: 'event',
      api_version: deps.apiVersion,
      created: Math.floor(deps.nowMs() / 1000),
      data: {
        object: structuredClone(object),
        ...(previousAttributes ? { previous_attributes: structuredClone(previousAttributes) } : {}),
      },
      livemode: false,
      pending_webhooks: deps.pendingWebhooks(),
      request: { id: req.id, idempotency_key: req.idempotencyKey },
      type,
    };
    store.events.push(event);
    store.eventsById.set(event.id, event);
    deps.sink(event);
    return event;
  };
}
