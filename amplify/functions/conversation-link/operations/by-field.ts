import { createShareLink, linkConversation, resolveShareLink } from './conversation-links';
import type { Operation } from './operation';
import { markRead, muteConversation, setViewing } from './own-membership';
import { deleteOwnMessage, editMessage } from './own-message';
import { sendMessage } from './send-message';
import { startConversation } from './start-conversation';

/** The GraphQL fields conversation-link resolves (data/operations/chat.ts, share-links.ts). */
export const operationsByField: Readonly<Record<string, Operation>> = {
  startConversation,
  sendMessage,
  editMessage,
  deleteOwnMessage,
  markRead,
  setViewing,
  muteConversation,
  linkConversation,
  createShareLink,
  resolveShareLink,
};
