import type { AppSyncClient } from '../appsync-client';
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

/**
 * The same through a hand-written document, with the given selection set: for the functions still
 * on the SigV4 client (message-push, message-unread-counter, user-delete-cascade).
 */
export async function listConversationMembers<T>(
  appSync: AppSyncClient,
  conversationId: string,
  fields: string,
): Promise<T[]> {
  const query = `query ListConversationMembers($conversationId: ID!, $nextToken: String) {
  listConversationMembers(conversationId: $conversationId, limit: 100, nextToken: $nextToken) {
    items { ${fields} } nextToken } }`;
  const members: T[] = [];
  let nextToken: string | null | undefined;
  do {
    const data = await appSync.graphql<{
      listConversationMembers: { items: (T | null)[]; nextToken?: string | null } | null;
    }>(query, { conversationId, nextToken });
    for (const item of data.listConversationMembers?.items ?? []) if (item) members.push(item);
    nextToken = data.listConversationMembers?.nextToken;
  } while (nextToken);
  return members;
}
