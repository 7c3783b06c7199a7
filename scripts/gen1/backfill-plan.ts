/**
 * What one item written by Gen 1 needs before this backend reads it (docs/migration.md, "Data
 * written by Gen 1"). Pure: the backfill command applies the plan.
 *
 * - DataStore (conflict detection on): deletes were soft (`_deleted: true`, removed by `_ttl`
 *   later); this backend has no conflict detection, so such an item would show as live. It is
 *   deleted. `_version`/`_lastChangedAt` are left: nothing here reads them.
 * - Owner fields under the default identity claim hold `<sub>::<username>`; this backend's rules
 *   and functions compare the bare `sub` (identityClaim('sub')). The value becomes the `sub`.
 * Both results are fixed points, so a second run plans nothing: the command is idempotent.
 */
export type ItemPlan =
  | { action: 'keep' }
  | { action: 'delete'; reason: 'soft-deleted' }
  | { action: 'update'; set: Record<string, string | string[]>; before: Record<string, unknown> };

const bareSub = (value: string) => (value.includes('::') ? value.split('::')[0]! : value);

export function planItem(item: Record<string, unknown>, ownerFields: readonly string[]): ItemPlan {
  if (item._deleted === true) return { action: 'delete', reason: 'soft-deleted' };
  const set: Record<string, string | string[]> = {};
  const before: Record<string, unknown> = {};
  for (const field of ownerFields) {
    const value = item[field];
    if (typeof value === 'string' && value.includes('::')) {
      set[field] = bareSub(value);
      before[field] = value;
    } else if (
      Array.isArray(value) &&
      value.some((entry) => typeof entry === 'string' && entry.includes('::'))
    ) {
      set[field] = [...new Set(value.map((entry) => bareSub(String(entry))))];
      before[field] = value;
    }
  }
  return Object.keys(set).length > 0 ? { action: 'update', set, before } : { action: 'keep' };
}

/** This backend's owner fields per model (ownerDefinedIn / ownersDefinedIn in amplify/data/resource.ts). */
export const OWNER_FIELDS: Record<string, readonly string[]> = {
  // UserProfile's owner field is its key (id): a key is never rewritten in place (docs/migration.md).
  UserProfile: ['owner'],
  Device: ['userId', 'owner'],
  Conversation: ['memberIds', 'owner'],
  // userId is part of the key (conversationId + userId): not rewritable in place either.
  ConversationMember: ['memberIds', 'owner'],
  Message: ['memberIds', 'senderId', 'owner'],
};

/** The key of each adopted model's table (the models' identifiers: test/unit/data/schema-copies.test.ts). */
export const KEY_FIELDS: Record<string, readonly string[]> = {
  ConversationMember: ['conversationId', 'userId'],
};
export const keyFieldsOf = (model: string): readonly string[] => KEY_FIELDS[model] ?? ['id'];
