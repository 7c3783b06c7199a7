import { UserFacingError } from './errors';

/**
 * What a chat planner decides: the plan, or a refusal the handler throws as is. A refusal's
 * message reads `CODE: 한국어 (English.)`, the form every user-facing error here takes.
 */
export type Decision<T> = { ok: true; value: T } | Refusal;
export type Refusal = { ok: false; error: UserFacingError };

export function accept<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** The plan's value, or its refusal thrown as the user-facing error it is. */
export function accepted<T>(decision: Decision<T>): T {
  if (!decision.ok) throw decision.error;
  return decision.value;
}

export function refuse(code: string, ko: string, en: string): Refusal {
  return { ok: false, error: new UserFacingError(`${code}: ${ko} (${en})`) };
}

/** A member's view of a conversation they are not in is the same as of one that doesn't exist. */
export function conversationNotFound(): Refusal {
  return refuse(
    'CONVERSATION_NOT_FOUND',
    '대화를 찾을 수 없습니다.',
    'Conversation not found, or you are not one of its members.',
  );
}
