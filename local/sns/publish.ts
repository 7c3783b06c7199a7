import type { SnsService } from './sns-service';
import { fromWireAttributes, type WireMessageAttribute } from './wire';

export interface PublishRequest {
  TopicArn?: string;
  TargetArn?: string;
  PhoneNumber?: string;
  Message: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, WireMessageAttribute>;
}

export const publish =
  ({ sns }: { sns: SnsService }) =>
  async (request: PublishRequest) => {
    const { messageId } = sns.publish({
      topicArn: request.TopicArn ?? request.TargetArn,
      phoneNumber: request.PhoneNumber,
      message: request.Message ?? '',
      subject: request.Subject,
      messageStructure: request.MessageStructure,
      messageAttributes: fromWireAttributes(request.MessageAttributes),
    });
    return { MessageId: messageId };
  };
