/**
 * The selection sets functions use for chat rows. AppSync sends subscribers only the fields the
 * mutation selected, so every write a client may be subscribed to selects all of a row's fields
 * (test/unit/data/schema-copies.test.ts fails when a model gains a field these lack).
 */

export const CONVERSATION_FIELDS = `id kind status memberIds dedupeKey buyerId brokerId listingId complexId
  lastMessageAt lastMessagePreview createdAt updatedAt`;
export const MESSAGE_FIELDS = `id conversationId createdAt updatedAt senderId senderLabel memberIds kind body clientMessageId notify editedAt
  deletedAt image { key width height }
  listing { listingId complexId title priceWon exclusiveAreaM2 address thumbnailUrl }`;
export const MEMBER_FIELDS = `conversationId userId memberIds role unreadCount lastReadAt lastReadMessageId muted mutedUntil
  viewingUntil lastMessageAt lastMessagePreview createdAt updatedAt`;
