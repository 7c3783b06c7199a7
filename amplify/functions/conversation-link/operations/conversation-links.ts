import { logger } from '../../shared/logger';
import { planLinkConversation, planShareLink, resolvedShareLink } from '../conversation-links';
import { verifyShareToken } from '../share-link';
import { accepted, type Operation } from './operation';

/** linkConversation, createShareLink and resolveShareLink: a conversation's listing, and links to it. */

export const linkConversation: Operation = async (args, caller, { store }) => {
  const change = accepted(
    planLinkConversation(await store.conversation(String(args.conversationId)), {
      callerId: caller.userId,
      listingId: args.listingId,
      complexId: args.complexId,
    }),
  );
  // The same ids again: no write, so subscribers see no change that isn't one.
  return change.update ? store.updateConversation(change.update) : change.conversation;
};

export const createShareLink: Operation = async (args, caller, { store, shareLinks, now }) => {
  const conversation = await store.conversation(String(args.conversationId));
  return accepted(
    planShareLink(conversation, {
      callerId: caller.userId,
      secret: shareLinks.secret(),
      baseUrl: shareLinks.baseUrl(),
      now: now(),
    }),
  );
};

/** Any signed-in user may open a link, member or not. */
export const resolveShareLink: Operation = async (args, _caller, { store, shareLinks, now }) => {
  const verified = verifyShareToken(args.token, shareLinks.secret(), now());
  if (!verified.ok) {
    // Malformed and tampered read the same to the user; the log tells them apart.
    logger.info('Share link refused', { reason: verified.reason });
    throw verified.error;
  }
  // Read only for the listing's complex: the caller may be no member, and gets nothing else of it.
  const conversation = await store.conversation(verified.value.conversationId);
  return resolvedShareLink(verified.value, conversation);
};
