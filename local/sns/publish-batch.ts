import { AwsError } from '../gateway/protocols';
import type { PublishRequest } from './publish';
import type { SnsService } from './sns-service';
import { fromWireAttributes } from './wire';

export interface PublishBatchRequest {
  TopicArn: string;
  PublishBatchRequestEntries: (Omit<PublishRequest, 'TopicArn' | 'TargetArn' | 'PhoneNumber'> & {
    Id: string;
  })[];
}

export const publishBatch =
  ({ sns }: { sns: SnsService }) =>
  async (request: PublishBatchRequest) => {
    const entries = request.PublishBatchRequestEntries ?? [];
    if (entries.length === 0)
      throw new AwsError('EmptyBatchRequest', "The batch request doesn't contain any entries");
    if (entries.length > 10) {
      throw new AwsError(
        'TooManyEntriesInBatchRequest',
        'The batch request contains more entries than permissible',
      );
    }
    if (new Set(entries.map((entry) => entry.Id)).size !== entries.length) {
      throw new AwsError(
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries in the request have the same Id',
      );
    }
    if (!sns.hasTopic(request.TopicArn ?? ''))
      throw new AwsError('NotFound', 'Topic does not exist', { status: 404 });
    const Successful = [];
    const Failed = [];
    for (const entry of entries) {
      try {
        const { messageId } = sns.publish({
          topicArn: request.TopicArn,
          message: entry.Message ?? '',
          subject: entry.Subject,
          messageStructure: entry.MessageStructure,
          messageAttributes: fromWireAttributes(entry.MessageAttributes),
        });
        Successful.push({ Id: entry.Id, MessageId: messageId });
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        Failed.push({
          Id: entry.Id,
          Code: error.code,
          Message: error.message,
          SenderFault: error.fault === 'Sender',
        });
      }
    }
    return { Successful, Failed };
  };
