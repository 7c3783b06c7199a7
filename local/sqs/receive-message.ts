import type { RequestContext } from '../gateway/protocols';
import { md5OfMessageAttributes } from './md5';
import type { SqsService } from './sqs-service';
import { selectNames, toWireAttributes } from './wire';

export interface ReceiveMessageRequest {
  QueueUrl: string;
  MaxNumberOfMessages?: number;
  VisibilityTimeout?: number;
  WaitTimeSeconds?: number;
  /** Deprecated in favour of MessageSystemAttributeNames; SDKs still send it. */
  AttributeNames?: string[];
  MessageSystemAttributeNames?: string[];
  MessageAttributeNames?: string[];
}

export const receiveMessage =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: ReceiveMessageRequest, context: RequestContext) => {
    const messages = await sqs.receive(sqs.queueNameFromUrl(request.QueueUrl), {
      maxMessages: request.MaxNumberOfMessages,
      visibilityTimeoutSeconds: request.VisibilityTimeout,
      waitTimeSeconds: request.WaitTimeSeconds,
      signal: context.signal,
    });
    if (messages.length === 0) return {};
    const systemNames = [...(request.MessageSystemAttributeNames ?? []), ...(request.AttributeNames ?? [])];
    return {
      Messages: messages.map((message) => {
        const attributes = selectNames(message.attributes, systemNames);
        const messageAttributes = selectNames(message.messageAttributes, request.MessageAttributeNames);
        const hasMessageAttributes = Object.keys(messageAttributes).length > 0;
        return {
          MessageId: message.messageId,
          ReceiptHandle: message.receiptHandle,
          MD5OfBody: message.md5OfBody,
          Body: message.body,
          Attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
          MD5OfMessageAttributes: hasMessageAttributes
            ? md5OfMessageAttributes(messageAttributes)
            : undefined,
          MessageAttributes: hasMessageAttributes ? toWireAttributes(messageAttributes) : undefined,
        };
      }),
    };
  };
