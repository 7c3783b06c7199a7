import { md5OfMessageAttributes } from './md5';
import type { SqsService } from './sqs-service';
import { fromWireAttributes, type WireMessageAttribute } from './wire';

export interface SendMessageRequest {
  QueueUrl: string;
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, WireMessageAttribute>;
  MessageSystemAttributes?: { AWSTraceHeader?: WireMessageAttribute };
}

export const sendMessage =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: SendMessageRequest) => {
    const traceHeader = request.MessageSystemAttributes?.AWSTraceHeader;
    const sent = sqs.send(sqs.queueNameFromUrl(request.QueueUrl), request.MessageBody ?? '', {
      messageAttributes: fromWireAttributes(request.MessageAttributes),
      delaySeconds: request.DelaySeconds,
      traceHeader: traceHeader?.StringValue,
    });
    return {
      MessageId: sent.messageId,
      MD5OfMessageBody: sent.md5OfMessageBody,
      MD5OfMessageAttributes: sent.md5OfMessageAttributes,
      MD5OfMessageSystemAttributes: traceHeader
        ? md5OfMessageAttributes({
            AWSTraceHeader: { DataType: 'String', StringValue: traceHeader.StringValue },
          })
        : undefined,
    };
  };
