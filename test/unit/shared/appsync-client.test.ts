import { describe, expect, it } from 'vitest';
import {
  AppSyncAuthError,
  AppSyncGraphQLError,
  AppSyncUnavailableError,
  isConditionalCheckFailure,
  operationNameOf,
  unlessConditionFailed,
} from '../../../amplify/functions/shared/appsync-client';

const CREATE_MESSAGE = /* GraphQL */ `
  mutation CreateMessage($input: CreateMessageInput!) {
    createMessage(input: $input) { id }
  }
`;

const conditionFailed = () =>
  new AppSyncGraphQLError(
    'CreateMessage',
    [{ errorType: 'DynamoDB:ConditionalCheckFailedException', message: 'The conditional request failed' }],
    { createMessage: null },
  );

describe('AppSync errors', () => {
  it('name the operation and error types, never the messages (they can echo user text)', () => {
    const error = new AppSyncGraphQLError(
      'CreateMessage',
      [
        { errorType: 'DynamoDB:ValidationException', message: 'body "010-1234-5678 에게 연락" is too long' },
        { message: 'no type' },
      ],
      null,
    );
    expect(error.message).toBe('AppSync CreateMessage failed: DynamoDB:ValidationException, UnknownError');
    expect(error.message).not.toContain('010');
    expect(error.errorTypes).toEqual(['DynamoDB:ValidationException', 'UnknownError']);
    expect(new AppSyncAuthError('GetMessage', 403).message).toMatch(/HTTP 403.*allow\.resource\(fn\)/);
  });

  it('tell a refused condition from other failures', () => {
    expect(isConditionalCheckFailure(conditionFailed())).toBe(true);
    expect(
      isConditionalCheckFailure(
        new AppSyncGraphQLError('CreateMessage', [{ errorType: 'Unauthorized', message: 'no' }], null),
      ),
    ).toBe(false);
    expect(isConditionalCheckFailure(new AppSyncUnavailableError('down', 503))).toBe(false);
    expect(isConditionalCheckFailure(new Error('DynamoDB:ConditionalCheckFailedException'))).toBe(false);
  });

  it('unlessConditionFailed answers undefined for a refused condition and rethrows anything else', async () => {
    await expect(unlessConditionFailed(Promise.resolve('row'))).resolves.toBe('row');
    await expect(unlessConditionFailed(Promise.reject(conditionFailed()))).resolves.toBeUndefined();
    const outage = new AppSyncUnavailableError('AppSync CreateMessage answered HTTP 503', 503);
    await expect(unlessConditionFailed(Promise.reject(outage))).rejects.toBe(outage);
  });
});

describe('operationNameOf', () => {
  it('names an operation by its declared name, or else by its first field', () => {
    expect(operationNameOf(CREATE_MESSAGE)).toBe('CreateMessage');
    expect(operationNameOf('{ listConversations { items { id } } }')).toBe('listConversations');
    expect(operationNameOf('')).toBe('anonymous');
  });
});
