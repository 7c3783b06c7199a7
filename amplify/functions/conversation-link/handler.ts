import type { AppSyncResolverEvent } from 'aws-lambda';
import { chatStore } from '../shared/chat/chat-store';
import { config } from '../shared/config';
import { withSentry } from '../shared/sentry';
import { callerOf } from './caller';
import { operationsByField } from './operations/by-field';
import type { Arguments, ConversationLinkDeps } from './operations/operation';
import { countSend } from './send-rate-store';

// Amplify's resolver sends { typeName, fieldName, arguments, identity, … } (no `info`).
type ResolverEvent = AppSyncResolverEvent<Arguments> & { fieldName?: string };

/** Which field was called, and by whom; the operation decides everything else. */
export function createHandler(deps: ConversationLinkDeps) {
  return async (event: ResolverEvent) => {
    const fieldName = event.fieldName ?? event.info?.fieldName;
    const operation =
      fieldName && Object.hasOwn(operationsByField, fieldName) ? operationsByField[fieldName] : undefined;
    if (!operation) throw new Error(`conversation-link does not handle ${fieldName}`);
    return operation(event.arguments, callerOf(event.identity), deps);
  };
}

export const handler = withSentry(
  createHandler({
    store: chatStore(),
    countSend: (userId) => countSend(userId),
    shareLinks: { secret: () => config.shareLinkSecret(), baseUrl: () => config.shareLinkBaseUrl() },
    now: () => new Date(),
  }),
);
