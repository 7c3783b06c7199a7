import { assignBroker, assignmentStore } from '../shared/chat/broker-assignment';
import { postSystemMessage } from '../shared/chat/system-message';
import type { DataClient } from '../shared/data-client';
import type { BrokerProfile } from './broker-choice';
import type { MatchingDeps } from './matching';
import { type matchingStore, type matchingTables, regionLookup } from './matching-store';

/** What the handler is built with; `matchingDeps` turns it into one invocation's MatchingDeps. */
export interface HandlerDeps {
  data: () => Promise<DataClient>;
  store: ReturnType<typeof matchingStore>;
  tables: typeof matchingTables;
  now: () => Date;
}

/** Fresh per invocation: the broker scan and the region lookups are shared by its records only. */
export function matchingDeps(deps: HandlerDeps): MatchingDeps {
  const chat = assignmentStore(deps.data);
  let brokers: Promise<BrokerProfile[]> | undefined;
  return {
    brokers: () => {
      if (!brokers) {
        brokers = deps.store.brokers();
        // A failed scan is not remembered: the next record scans again.
        brokers.catch(() => {
          brokers = undefined;
        });
      }
      return brokers;
    },
    openConversations: (brokerId) => deps.store.openConversations(brokerId),
    regionOf: regionLookup(deps.data),
    assign: (input) => assignBroker(input, { data: deps.data, now: deps.now }),
    recordAssignment: (brokerId, at, open) => deps.store.recordAssignment(brokerId, at, open),
    postWaiting: async (conversation, body, key) => {
      await postSystemMessage(
        { conversationId: conversation.id, memberIds: conversation.memberIds, body, key },
        deps.now(),
        chat,
      );
    },
    waitingConversations: () => deps.store.waitingConversations(),
    now: deps.now,
  };
}
