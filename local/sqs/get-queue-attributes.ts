import type { SqsService } from './sqs-service';
import { selectNames } from './wire';

export interface GetQueueAttributesRequest {
  QueueUrl: string;
  AttributeNames?: string[];
}

export const getQueueAttributes =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: GetQueueAttributesRequest) => {
    const attributes = selectNames(
      sqs.attributes(sqs.queueNameFromUrl(request.QueueUrl)),
      request.AttributeNames,
    );
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  };
