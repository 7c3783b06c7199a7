import { a } from '@aws-amplify/backend';
import { brokerMatching } from '../../functions/broker-matching/resource';
import { conversationLink } from '../../functions/conversation-link/resource';
import { signedInMutation } from './signed-in';

/** Conversations and messages: conversation-link checks that the caller is a member. */
export const chatOperations = {
  /** A buyer opens (or finds again) the conversation with a broker about a listing or complex. */
  startConversation: signedInMutation(conversationLink)
    .arguments({
      kind: a.ref('ConversationKind').required(),
      /** The legacy broker id (BrokerProfile.id). */
      brokerId: a.id(),
      listingId: a.string(),
      complexId: a.string(),
    })
    .returns(a.ref('Conversation')),

  /**
   * Posts into a conversation the caller is a member of; a retry with the same clientMessageId and
   * content is the same message, the same clientMessageId with other content CLIENT_MESSAGE_ID_REUSED.
   */
  sendMessage: signedInMutation(conversationLink)
    .arguments({
      conversationId: a.id().required(),
      kind: a.ref('MessageKind').required(),
      body: a.string(),
      image: a.ref('ImageAttachment'),
      listing: a.ref('ListingSnapshot'),
      clientMessageId: a.string().required(),
    })
    .returns(a.ref('Message')),

  /** The sender rewrites a message; members see the change live (onUpdateMessage). */
  editMessage: signedInMutation(conversationLink)
    .arguments({ id: a.id().required(), body: a.string().required() })
    .returns(a.ref('Message')),

  /** The sender deletes a message: the row stays for the thread, its content is cleared. */
  deleteOwnMessage: signedInMutation(conversationLink)
    .arguments({ id: a.id().required() })
    .returns(a.ref('Message')),

  /** Marks the conversation read up to a message or a time; never moves backwards. */
  markRead: signedInMutation(conversationLink)
    .arguments({ conversationId: a.id().required(), messageId: a.id(), at: a.datetime() })
    .returns(a.ref('ConversationMember')),

  /** Presence: "I am looking at this conversation" for the next 30 seconds (no pushes meanwhile). */
  setViewing: signedInMutation(conversationLink)
    .arguments({ conversationId: a.id().required() })
    .returns(a.ref('ConversationMember')),

  /** Mutes (optionally until a time) or unmutes a conversation's pushes for the caller. */
  muteConversation: signedInMutation(conversationLink)
    .arguments({ conversationId: a.id().required(), muted: a.boolean().required(), until: a.datetime() })
    .returns(a.ref('ConversationMember')),

  /** A member links the conversation to a legacy listing and/or complex; members see it via onUpdate. */
  linkConversation: signedInMutation(conversationLink)
    .arguments({ conversationId: a.id().required(), listingId: a.string(), complexId: a.string() })
    .returns(a.ref('Conversation')),

  /**
   * A buyer asks for a broker for their listing inquiry (LISTING_INQUIRY without one): matched now
   * when a broker covers the listing's region, else it stays WAITING_FOR_BROKER and is matched
   * when a broker becomes available (docs/reference-data.md, "Broker matching").
   */
  requestBroker: signedInMutation(brokerMatching)
    .arguments({ conversationId: a.id().required() })
    .returns(a.ref('Conversation')),
};
