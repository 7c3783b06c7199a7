import { AwsError } from '../gateway/protocols';
import { batchFailure, checkBatch } from './errors';
import type { SendMessageRequest } from './send-message';
import { MAX_MESSAGE_BYTES, type SqsService } from './sqs-service';
import { fromWireAttributes } from './wire';

export interface SendMessageBatchRequest {
  QueueUrl: string;
  Entries: (Omit<SendMessageRequest, 'QueueUrl'> & { Id: string })[];
}

export const sendMessageBatch =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: SendMessageBatchRequest) => {
    const queueName = sqs.queueNameFromUrl(request.QueueUrl);
    checkBatch(request.Entries);
    // SQS refuses the whole batch when its bodies add up to more than one message may hold.
    const total = request.Entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody ?? ''), 0);
    if (total > MAX_MESSAGE_BYTES) {
      throw new AwsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes. You have sent ${total} bytes.`,
        { queryCode: 'AWS.SimpleQueueService.BatchRequestTooLong' },
      );
    }
    const Successful = [];
    const Failed = [];
    for (const entry of request.Entries) {
      try {
        const sent = sqs.send(queueName, entry.MessageBody ?? '', {
          messageAttributes: fromWireAttributes(entry.MessageAttributes),
          delaySeconds: entry.DelaySeconds,
          traceHeader: entry.MessageSystemAttributes?.AWSTraceHeader?.StringValue,
        });
        Successful.push({
          Id: entry.Id,
          MessageId: sent.messageId,
          MD5OfMessageBody: sent.md5OfMessageBody,
          MD5OfMessageAttributes: sent.md5OfMessageAttributes,
        });
      } catch (error) {
        Failed.push(batchFailure(entry.Id, error));
      }
    }
    return { Successful, Failed };
  };
