import {
  AppSyncAuthError,
  AppSyncGraphQLError,
  AppSyncUnavailableError,
} from '../../amplify/functions/shared/appsync-client';

/**
 * What the typed data client (generateClient<Schema>()) answers, for fakes of it: model operations
 * resolve `{ data, errors?, nextToken? }`; a request that failed below GraphQL arrives as an error
 * entry carrying the HTTP failure as `originalError`.
 */

export interface TypedResult {
  data: unknown;
  errors?: unknown[];
  nextToken?: string | null;
}

export interface TypedOptions {
  selectionSet?: readonly string[];
  limit?: number;
  nextToken?: string | null;
  sortDirection?: 'ASC' | 'DESC';
}

/** A model resolver's condition failed: an existing id on create, a missing row on update or delete. */
export const CONDITION_FAILED: TypedResult = {
  data: null,
  errors: [
    { errorType: 'DynamoDB:ConditionalCheckFailedException', message: 'The conditional request failed' },
  ],
};

/** The answer that makes shared/data-client.ts raise `error` again: how a fake fails on cue. */
export function answerFailing(error: Error): TypedResult {
  if (error instanceof AppSyncGraphQLError) {
    return { data: null, errors: error.errors.length > 0 ? [...error.errors] : [{ message: error.message }] };
  }
  const statusCode =
    error instanceof AppSyncUnavailableError || error instanceof AppSyncAuthError ? error.status : undefined;
  return {
    data: null,
    errors: [{ message: error.message, originalError: { name: error.name, response: { statusCode } } }],
  };
}

/** The row as a selection set would read it; every field without one. */
export function selected<T extends object>(row: T, selectionSet: readonly string[] | undefined): Partial<T> {
  if (!selectionSet) return { ...row };
  return Object.fromEntries(
    selectionSet.map((field) => [field, (row as Record<string, unknown>)[field] ?? null]),
  ) as Partial<T>;
}

/**
 * A fake's answers in the documents' shape (`{ getUserProfile: row }`, `{ listX: { items, nextToken } }`,
 * or a thrown AppSync error), keyed by the operation name the store gives the call.
 */
export type DocumentAnswers = (
  operation: string,
  variables: Record<string, unknown>,
  /** The document, for the calls that still send one (client.graphql). */
  query?: string,
) => Promise<unknown>;

async function firstField(answer: Promise<unknown>): Promise<unknown> {
  return Object.values((await answer) ?? {})[0] ?? null;
}

/** A model get answered by `answers` under `operation`, with the key as its variables. */
export function answeredGet(answers: DocumentAnswers, operation: string) {
  return async (key: Record<string, unknown>): Promise<TypedResult> => {
    try {
      return { data: await firstField(answers(operation, key)) };
    } catch (error) {
      return answerFailing(error as Error);
    }
  };
}

/** An index query answered by `answers` under `operation`, with the key and nextToken as its variables. */
export function answeredPage(answers: DocumentAnswers, operation: string) {
  return async (key: Record<string, unknown>, options: TypedOptions = {}): Promise<TypedResult> => {
    try {
      const page = (await firstField(
        answers(operation, { ...key, nextToken: options.nextToken ?? undefined }),
      )) as {
        items?: unknown[];
        nextToken?: string | null;
      } | null;
      return { data: page?.items ?? [], nextToken: page?.nextToken ?? null };
    } catch (error) {
      return answerFailing(error as Error);
    }
  };
}

/** A model list by partition key (`list({ conversationId, limit, nextToken })`), answered as answeredPage answers. */
export function answeredList(answers: DocumentAnswers, operation: string) {
  const page = answeredPage(answers, operation);
  return ({
    limit: _limit,
    nextToken,
    selectionSet: _selectionSet,
    sortDirection: _sortDirection,
    ...key
  }: Record<string, unknown> & TypedOptions = {}) => page(key, { nextToken: nextToken ?? null });
}

/** A model create, update or delete answered by `answers` under `operation`, with `{ input }` as its variables. */
export function answeredWrite(answers: DocumentAnswers, operation: string) {
  return async (input: Record<string, unknown>, _options: TypedOptions = {}): Promise<TypedResult> => {
    try {
      return { data: await firstField(answers(operation, { input })) };
    } catch (error) {
      return answerFailing(error as Error);
    }
  };
}

/** The badge's two index queries (shared/badge.ts), answered under BadgeMemberships and BadgeNotifications. */
export function badgeModels(answers: DocumentAnswers) {
  return {
    ConversationMember: { listMembershipsByUser: answeredPage(answers, 'BadgeMemberships') },
    Notification: { listNotificationsByUser: answeredPage(answers, 'BadgeNotifications') },
  };
}

/** client.graphql for the documents a store still sends, answered by `answers`; it throws its result on errors. */
export function answeredGraphql(answers: DocumentAnswers, operationOf: (query: string) => string) {
  return async ({ query, variables }: { query: string; variables: Record<string, unknown> }) => {
    try {
      return { data: await answers(operationOf(query), variables, query) };
    } catch (error) {
      throw answerFailing(error as Error);
    }
  };
}
