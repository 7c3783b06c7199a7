import type { SqsService } from './sqs-service';

export interface ListMessageMoveTasksRequest {
  SourceArn: string;
  MaxResults?: number;
}

export const listMessageMoveTasks =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: ListMessageMoveTasksRequest) => ({
    Results: sqs.moveTasks.list(request.SourceArn, request.MaxResults ?? 1).map((task) => ({
      ...(task.taskHandle ? { TaskHandle: task.taskHandle } : {}),
      Status: task.status,
      SourceArn: task.sourceArn,
      ...(task.destinationArn ? { DestinationArn: task.destinationArn } : {}),
      ...(task.maxNumberOfMessagesPerSecond !== undefined
        ? { MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond }
        : {}),
      ApproximateNumberOfMessagesMoved: task.approximateNumberOfMessagesMoved,
      ApproximateNumberOfMessagesToMove: task.approximateNumberOfMessagesToMove,
      ...(task.failureReason ? { FailureReason: task.failureReason } : {}),
      StartedTimestamp: task.startedTimestamp,
    })),
  });
