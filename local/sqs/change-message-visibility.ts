import type { SqsService } from './sqs-service';

export interface ChangeMessageVisibilityRequest {
  QueueUrl: string;
  ReceiptHandle: string;
  VisibilityTimeout: number;
}

export const changeMessageVisibility =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: ChangeMessageVisibilityRequest) => {
    sqs.changeVisibility(
      sqs.queueNameFromUrl(request.QueueUrl),
      request.ReceiptHandle ?? '',
      request.VisibilityTimeout,
    );
    return {};
  };
