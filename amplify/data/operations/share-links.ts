import { a } from '@aws-amplify/backend';
import { conversationLink } from '../../functions/conversation-link/resource';
import { signedInMutation, signedInQuery } from './signed-in';

/** Signed links to the listing a conversation is about (conversation-link). */
export const shareLinkOperations = {
  createShareLink: signedInMutation(conversationLink)
    .arguments({ conversationId: a.id().required() })
    .returns(a.ref('ShareLink')),

  /** Any signed-in user opens a share link: the listing to show, then startConversation if they ask. */
  resolveShareLink: signedInQuery(conversationLink)
    .arguments({ token: a.string().required() })
    .returns(a.ref('ResolvedShareLink')),
};
