import type { SqsService } from './sqs-service';

export interface CancelMessageMoveTaskRequest {
  TaskHandle: string;
}

export const cancelMessageMoveTask =
  ({ sqs }: { sqs: SqsService }) =>
  async (request: CancelMessageMoveTaskRequest) => ({
    ApproximateNumberOfMessagesMoved: sqs.moveTasks.cancel(request.TaskHandle ?? ''),
  });
