import type { AppSyncClient } from '../appsync-client';

/** A conversation's member rows through AppSync, every page, with the given selection set. */
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
