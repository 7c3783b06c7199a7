import type { SqsService } from './sqs-service';

export interface DeleteMessageRequest {
  QueueUrl: string;
  ReceiptHandle: string;
}

export const deleteMessage =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: DeleteMessageRequest) => {
    sqs.delete(sqs.queueNameFromUrl(request.QueueUrl), request.ReceiptHandle ?? '');
    return {};
  };
