import { allPages, type DataClient } from '../data-client';
import type { ConversationMemberRow } from './chat-message';

/** A conversation's member rows, every page, each with every field (the typed client's default). */
export async function conversationMembers(
  client: Pick<DataClient, 'models'>,
  conversationId: string,
): Promise<ConversationMemberRow[]> {
  const rows = await allPages('ListConversationMembers', (nextToken) =>
    client.models.ConversationMember.list({ conversationId, limit: 100, nextToken }),
  );
  return rows as ConversationMemberRow[];
}
