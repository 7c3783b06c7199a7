import { instantMs, type MessageRow, messagePreview, notifiesMembers } from '../shared/chat/chat-message';
import { COUNTED_MARKER_SECONDS, countedMarkerId } from '../shared/chat/unread';

/**
 * One DynamoDB update, written as the handler sends it (UpdateItem, or an Update inside
 * TransactWriteItems) on the table of `model`.
 */
export interface PlannedUpdate {
  model: 'Conversation' | 'ConversationMember';
  key: Record<string, string>;
  updateExpression: string;
  conditionExpression: string;
  expressionAttributeNames: Record<string, string>;
  expressionAttributeValues: Record<string, unknown>;
}

/**
 * A row in the idempotency table (partition key `id`, TTL `expiration`) put with
 * `attribute_not_exists(id)` in the same transaction as the increments.
 */
export interface CountedMarker {
  id: string;
  expiration: number;
}

export interface UnreadPlan {
  /**
   * Applied together in one TransactWriteItems, the marker first. Cancelled by the marker's
   * condition: the message was already counted (a retried record), which is success. Cancelled by
   * an increment's condition: a member left meanwhile; read the members again and plan again.
   * Undefined when nobody's unread count changes.
   */
  counting?: { marker: CountedMarker; increments: PlannedUpdate[] };
  /**
   * Each applied on its own. A failed condition means a newer message is already shown (stream
   * records can arrive out of order) or the row is gone: both are success, not errors.
   */
  previews: PlannedUpdate[];
}

const memberKey = (conversationId: string, userId: string) => ({ conversationId, userId });

/**
 * The writes for a new message: +1 unread for every other member it was sent to, and the
 * last-message time and preview for every member (the sender too) and the conversation, unless
 * a newer message already set them.
 */
export function planUnreadUpdates(input: {
  message: MessageRow;
  /** The userIds of the conversation's current member rows. */
  memberIds: readonly string[];
  /** Each member's lastReadAt, where they have one. */
  readUpTo?: ReadonlyMap<string, string | null | undefined>;
  now: Date;
}): UnreadPlan {
  const { message, now } = input;
  const sentAt = instantMs(message.createdAt);
  // A member who already read past this message (markRead landed before this record) is not behind.
  const hasRead = (userId: string) => {
    const readAt = instantMs(input.readUpTo?.get(userId));
    return readAt !== undefined && sentAt !== undefined && readAt >= sentAt;
  };
  // Members who left since have no row to update; members who joined since cannot read it.
  const addressees = new Set(message.memberIds);
  const members = [...new Set(input.memberIds)].filter((userId) => addressees.has(userId));
  const updatedAt = now.toISOString();

  const recipients = notifiesMembers(message)
    ? members.filter((userId) => userId !== message.senderId && !hasRead(userId))
    : [];
  const increments = recipients.map(
    (userId): PlannedUpdate => ({
      model: 'ConversationMember',
      key: memberKey(message.conversationId, userId),
      updateExpression: 'ADD #unreadCount :one SET #updatedAt = :updatedAt',
      // Without the first part, an update for a member who just left would create a half row. The
      // second cancels the count when markRead moved past the message since the members were read
      // (message-read-receipt recounts only messages after lastReadAt, so none may count before it).
      conditionExpression:
        'attribute_exists(#userId) AND (attribute_not_exists(#lastReadAt) OR attribute_type(#lastReadAt, :null) OR #lastReadAt < :createdAt)',
      expressionAttributeNames: {
        '#unreadCount': 'unreadCount',
        '#updatedAt': 'updatedAt',
        '#userId': 'userId',
        '#lastReadAt': 'lastReadAt',
      },
      expressionAttributeValues: {
        ':one': 1,
        ':updatedAt': updatedAt,
        ':null': 'NULL',
        ':createdAt': message.createdAt,
      },
    }),
  );

  const previewWrite = (keyAttribute: string) => ({
    updateExpression:
      'SET #lastMessageAt = :createdAt, #lastMessagePreview = :preview, #updatedAt = :updatedAt',
    // Strictly older only: a retry or a message with the same time changes nothing. DynamoDB compares
    // the strings, which orders instants because every writer uses toISOString's one format.
    conditionExpression: `attribute_exists(#${keyAttribute}) AND (attribute_not_exists(#lastMessageAt) OR #lastMessageAt < :createdAt)`,
    expressionAttributeNames: {
      [`#${keyAttribute}`]: keyAttribute,
      '#lastMessageAt': 'lastMessageAt',
      '#lastMessagePreview': 'lastMessagePreview',
      '#updatedAt': 'updatedAt',
    },
    expressionAttributeValues: {
      ':createdAt': message.createdAt,
      ':preview': messagePreview(message),
      ':updatedAt': updatedAt,
    },
  });

  const previews: PlannedUpdate[] = [
    { model: 'Conversation', key: { id: message.conversationId }, ...previewWrite('id') },
    ...members.map(
      (userId): PlannedUpdate => ({
        model: 'ConversationMember',
        key: memberKey(message.conversationId, userId),
        ...previewWrite('userId'),
      }),
    ),
  ];

  if (increments.length === 0) return { previews };
  return {
    counting: {
      marker: {
        id: countedMarkerId(message.id),
        expiration: Math.floor(now.getTime() / 1000) + COUNTED_MARKER_SECONDS,
      },
      increments,
    },
    previews,
  };
}
