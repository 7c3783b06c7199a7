/**
 * What one item written by Gen 1 needs before this backend reads it (docs/migration.md, "Data
 * written by Gen 1"). Pure: the backfill command applies the plan.
 *
 * - DataStore (conflict detection on): deletes were soft (`_deleted: true`, removed by `_ttl`
 *   later); this backend has no conflict detection, so such an item would show as live. It is
 *   deleted. `_version`/`_lastChangedAt` are left: nothing here reads them.
 * - Owner fields under the default identity claim hold `<sub>::<username>`; this backend's rules
 *   and functions compare the bare `sub` (identityClaim('sub')). The value becomes the `sub`.
 * - Device rows: Gen 1's app created them with a random id; this backend keys a device by its
 *   token (id = sha256(token), device-register and push-sender), so a phone re-registering its
 *   token after the cutover would get a second row and every push twice. The row moves to its
 *   token's id (planDeviceMove).
 * All results are fixed points, so a second run plans nothing: the command is idempotent.
 */
import { deviceIdForToken } from '../../amplify/functions/shared/push/device-id';

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

/** A Device row as the backfill sees it: any attributes, the ones it decides by typed. */
export type StoredDevice = Record<string, unknown> & { id: string; token?: unknown; lastSeenAt?: unknown };

/**
 * Where a Device row goes so that its token has exactly one row, under the id this backend
 * derives from the token. `current` is the row already under that id, if any (the phone
 * re-registered after the cutover, or another Gen 1 row of the same token moved first).
 * - `keep`: the row is under its token's id already (or has no token to key by);
 * - `move`: no row under the token's id: put this one there (same token, owner, platform, times),
 *   delete it under the Gen 1 id;
 * - `drop`: the row under the token's id was seen as recently or later: it stays, this one goes;
 * - `replace`: this one was seen later (another Gen 1 user of the same phone): it overwrites
 *   that row, as registering a token moves it to the last user who registered it.
 * Each outcome leaves one row per token whatever the order rows are met in, so an interrupted
 * run resumed ends where an uninterrupted one does.
 */
export type DeviceMove =
  | { action: 'keep' }
  | { action: 'move'; put: Record<string, unknown> }
  | { action: 'drop' }
  | { action: 'replace'; put: Record<string, unknown>; replacing: Record<string, unknown> };

const seenAt = (row: Record<string, unknown>) => {
  const ms = Date.parse(String(row.lastSeenAt ?? row.updatedAt ?? ''));
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
};

export function planDeviceMove(row: StoredDevice, current: Record<string, unknown> | undefined): DeviceMove {
  if (typeof row.token !== 'string' || row.token === '') return { action: 'keep' };
  const id = deviceIdForToken(row.token);
  if (row.id === id) return { action: 'keep' };
  const put = { ...row, id };
  if (!current) return { action: 'move', put };
  return seenAt(row) > seenAt(current) ? { action: 'replace', put, replacing: current } : { action: 'drop' };
}
