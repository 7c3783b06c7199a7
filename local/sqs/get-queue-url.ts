import { queueDoesNotExist } from './errors';
import type { SqsService } from './sqs-service';

export interface GetQueueUrlRequest {
  QueueName: string;
  QueueOwnerAWSAccountId?: string;
}

export const getQueueUrl =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: GetQueueUrlRequest) => {
    if (!sqs.has(request.QueueName)) throw queueDoesNotExist(request.QueueName);
    return { QueueUrl: sqs.queueUrl(request.QueueName) };
  };
