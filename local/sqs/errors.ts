import { AwsError } from '../gateway/protocols';

/** SQS's errors; the query codes are what the query-compatible SDK maps back to its exception classes. */

export const queueDoesNotExist = (queue: string) =>
  new AwsError('QueueDoesNotExist', `The specified queue does not exist: ${queue}`, {
    queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
  });

export const queueNameExists = (queue: string) =>
  new AwsError('QueueNameExists', `A queue named ${queue} already exists with different attributes`, {
    queryCode: 'QueueAlreadyExists',
  });

export const receiptHandleIsInvalid = (receiptHandle: string) =>
  new AwsError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`,
    {
      status: 404,
    },
  );

export const messageNotInflight = () =>
  new AwsError('MessageNotInflight', 'The message referred to is not in flight.', {
    queryCode: 'AWS.SimpleQueueService.MessageNotInflight',
  });

export const invalidParameterValue = (reason: string) =>
  new AwsError('InvalidParameterValue', `Value for parameter is invalid. Reason: ${reason}`);

export const invalidMessageContents = () =>
  new AwsError(
    'InvalidMessageContents',
    'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
  );

export function checkBatch(entries: readonly { Id: string }[] | undefined): readonly { Id: string }[] {
  if (!entries || entries.length === 0) {
    throw new AwsError('EmptyBatchRequest', 'There should be at least one entry in the request.', {
      queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest',
    });
  }
  if (entries.length > 10) {
    throw new AwsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
      {
        queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      },
    );
  }
  const ids = new Set(entries.map((entry) => entry.Id));
  if (ids.size !== entries.length) {
    throw new AwsError(
      'BatchEntryIdsNotDistinct',
      'Two or more batch entries in the request have the same Id.',
      {
        queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      },
    );
  }
  return entries;
}

/** A batch entry's failure in the shape SendMessageBatch / DeleteMessageBatch return. */
export function batchFailure(id: string, error: unknown) {
  if (error instanceof AwsError) {
    return { Id: id, SenderFault: error.fault === 'Sender', Code: error.code, Message: error.message };
  }
  return { Id: id, SenderFault: false, Code: 'InternalError', Message: String(error) };
}
