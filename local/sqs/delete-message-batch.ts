import { batchFailure, checkBatch } from './errors';
import type { SqsService } from './sqs-service';

export interface DeleteMessageBatchRequest {
  QueueUrl: string;
  Entries: { Id: string; ReceiptHandle: string }[];
}

export const deleteMessageBatch =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: DeleteMessageBatchRequest) => {
    const queueName = sqs.queueNameFromUrl(request.QueueUrl);
    checkBatch(request.Entries);
    const Successful = [];
    const Failed = [];
    for (const entry of request.Entries) {
      try {
        sqs.delete(queueName, entry.ReceiptHandle ?? '');
        Successful.push({ Id: entry.Id });
      } catch (error) {
        Failed.push(batchFailure(entry.Id, error));
      }
    }
    return { Successful, Failed };
  };
