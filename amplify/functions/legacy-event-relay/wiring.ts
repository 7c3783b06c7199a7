import { bindQueue } from '../../custom/messaging/queue-binding';
import type { Messaging } from '../../custom/messaging/resource';
import type { BackendFunction } from '../../function-wiring';

/**
 * Events and commands from legacy-relay to the Legacy API; what can never succeed as it is goes
 * to legacy-relay-dlq with why (shared/batch.ts).
 */
export function wireLegacyEventRelay(fn: BackendFunction, { messaging }: { messaging: Messaging }): void {
  bindQueue(fn, messaging.legacyRelayQueue);
}
