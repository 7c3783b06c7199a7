import { FilterRule } from 'aws-cdk-lib/aws-lambda';
import type { Messaging } from '../../custom/messaging/resource';
import { bindStream } from '../../data/stream-binding';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/**
 * A listing inquiry created without a broker, and every broker that becomes available (data-sync
 * writes BrokerProfile rows) retries the inquiries still waiting.
 */
export function wireBrokerMatching(
  fn: BackendFunction,
  { messaging, models }: { messaging: Messaging; models: ModelTables },
): void {
  const conversations = modelTable(models, 'Conversation');
  const brokers = modelTable(models, 'BrokerProfile');
  bindStream('BrokerMatchingInquiryStream', fn.resources.lambda, conversations, {
    eventNames: ['INSERT'],
    onFailure: messaging.streamFailuresQueue,
    dynamodb: {
      NewImage: {
        kind: { S: FilterRule.isEqual('LISTING_INQUIRY') },
        status: { S: FilterRule.isEqual('WAITING_FOR_BROKER') },
      },
    },
  });
  bindStream('BrokerMatchingBrokerStream', fn.resources.lambda, brokers, {
    eventNames: ['INSERT', 'MODIFY'],
    onFailure: messaging.streamFailuresQueue,
    // One broker can match up to 20 waiting inquiries: small batches keep a record's work bounded.
    batchSize: 10,
    dynamodb: { NewImage: { active: { BOOL: [true] }, userId: { S: FilterRule.exists() } } },
  });
  fn.addEnvironment(ENV.CONVERSATION_TABLE_NAME, conversations.tableName);
  fn.addEnvironment(ENV.BROKER_PROFILE_TABLE_NAME, brokers.tableName);
  // Candidates (a scan of the small broker table) and their live load (a COUNT per broker).
  allowItems(fn.resources.lambda, brokers.tableArn, ['Scan', 'UpdateItem']);
  for (const index of ['conversationsByBrokerId', 'conversationsByStatus']) {
    allowItems(fn.resources.lambda, `${conversations.tableArn}/index/${index}`, ['Query']);
  }
}
