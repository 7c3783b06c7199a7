import { type ConversationMemberRow, instantMs } from '../shared/chat/chat-message';

export interface ReadReceipt {
  conversationId: string;
  readerId: string;
  lastReadAt: string;
  lastReadMessageId: string | undefined;
}

/**
 * The read receipt a member row change stands for: only when lastReadAt moved forward (or was
 * set for the first time). Other changes to the row, including the unread reset this receipt
 * causes, and a lastReadAt that went backwards (an older device catching up) are not reads.
 */
export function readReceiptFor(
  oldImage: ConversationMemberRow | undefined,
  newImage: ConversationMemberRow | undefined,
): ReadReceipt | undefined {
  if (!newImage) return undefined;
  const readAt = instantMs(newImage.lastReadAt);
  if (readAt === undefined) return undefined;
  const previousReadAt = instantMs(oldImage?.lastReadAt);
  if (previousReadAt !== undefined && previousReadAt >= readAt) return undefined;
  return {
    conversationId: newImage.conversationId,
    readerId: newImage.userId,
    lastReadAt: newImage.lastReadAt!,
    lastReadMessageId: newImage.lastReadMessageId ?? undefined,
  };
}
