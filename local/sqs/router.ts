import type { JsonRouter } from '../gateway/protocols';
import { cancelMessageMoveTask } from './cancel-message-move-task';
import { changeMessageVisibility } from './change-message-visibility';
import { deleteMessage } from './delete-message';
import { deleteMessageBatch } from './delete-message-batch';
import { getQueueAttributes } from './get-queue-attributes';
import { getQueueUrl } from './get-queue-url';
import { listMessageMoveTasks } from './list-message-move-tasks';
import { receiveMessage } from './receive-message';
import { sendMessage } from './send-message';
import { sendMessageBatch } from './send-message-batch';
import type { SqsService } from './sqs-service';
import { startMessageMoveTask } from './start-message-move-task';

/** SQS over awsJson 1.0, query-compatible (the SDK maps `x-amzn-query-error` codes to its exceptions). */
export function sqsRouter(services: { sqs: SqsService }): JsonRouter {
  return {
    protocol: 'json',
    targetPrefix: 'AmazonSQS',
    queryCompatible: true,
    operations: {
      SendMessage: sendMessage(services),
      SendMessageBatch: sendMessageBatch(services),
      ReceiveMessage: receiveMessage(services),
      DeleteMessage: deleteMessage(services),
      DeleteMessageBatch: deleteMessageBatch(services),
      ChangeMessageVisibility: changeMessageVisibility(services),
      GetQueueUrl: getQueueUrl(services),
      GetQueueAttributes: getQueueAttributes(services),
      StartMessageMoveTask: startMessageMoveTask(services),
      ListMessageMoveTasks: listMessageMoveTasks(services),
      CancelMessageMoveTask: cancelMessageMoveTask(services),
    },
  };
}
