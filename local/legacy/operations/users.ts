import {
  type LegacyOperation,
  optionalString,
  parseInstant,
  requireObject,
  requireString,
} from '../operation';

/** `POST /v1/users`: a member signed up; an upsert, so repeating it is harmless. */
export const postUser: LegacyOperation = (request, store) => {
  const body = requireObject(request.body, 'the request body');
  const userId = requireString(body, 'userId');
  const role = optionalString(body, 'role') ?? 'USER';
  const createdAt = optionalString(body, 'createdAt');
  if (createdAt !== null) parseInstant(createdAt, 'createdAt');
  store.users.set(userId, { userId, role, createdAt, receivedAt: new Date(request.nowMs).toISOString() });
  store.deletedUsers.delete(userId);
  return { status: 204 };
};

/** `DELETE /v1/users/{id}`: the account was deleted. Idempotent: an unknown or deleted id is also 204. */
export const deleteUser: LegacyOperation = (request, store) => {
  const userId = request.params.id!;
  store.users.delete(userId);
  if (!store.deletedUsers.has(userId)) store.deletedUsers.set(userId, new Date(request.nowMs).toISOString());
  return { status: 204 };
};
