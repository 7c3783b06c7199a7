import type { SqsService } from './sqs-service';

export interface StartMessageMoveTaskRequest {
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
}

export const startMessageMoveTask =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: StartMessageMoveTaskRequest) => ({
    TaskHandle: sqs.moveTasks.start({
      sourceArn: request.SourceArn,
      ...(request.DestinationArn !== undefined ? { destinationArn: request.DestinationArn } : {}),
      ...(request.MaxNumberOfMessagesPerSecond !== undefined
        ? { maxNumberOfMessagesPerSecond: request.MaxNumberOfMessagesPerSecond }
        : {}),
    }),
  });
