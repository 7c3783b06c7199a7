import { randomUUID } from 'node:crypto';
import { AwsError } from '../gateway/protocols';
import { invalidParameterValue } from './errors';
import type { SqsService } from './sqs-service';

/**
 * SQS message move tasks (DLQ redrive) as AWS runs them: the source must be some queue's
 * dead-letter queue, one active task per source, the messages present at the start are moved at
 * `MaxNumberOfMessagesPerSecond`, each back to the queue it was dead-lettered from unless a
 * destination is given, and the task ends COMPLETED, CANCELLED or FAILED with a reason.
 */

export type MessageMoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

export interface MessageMoveTask {
  taskHandle: string;
  status: MessageMoveTaskStatus;
  sourceArn: string;
  destinationArn?: string;
  maxNumberOfMessagesPerSecond?: number;
  approximateNumberOfMessagesMoved: number;
  approximateNumberOfMessagesToMove: number;
  failureReason?: string;
  startedTimestamp: number;
}

interface RunningTask extends MessageMoveTask {
  sourceName: string;
  destinationName?: string;
  /** Messages still to move, oldest first. */
  pending: string[];
  timer?: NodeJS.Timeout;
}

const MAX_RATE = 500;
const TICK_MS = 100;
/** ListMessageMoveTasks reports the tasks of the last 14 days. */
const HISTORY_MS = 14 * 24 * 3600 * 1000;

export const resourceNotFound = (message: string) =>
  new AwsError('ResourceNotFoundException', message, { queryCode: 'ResourceNotFoundException' });

const unsupported = (message: string) =>
  new AwsError('UnsupportedOperation', message, { queryCode: 'AWS.SimpleQueueService.UnsupportedOperation' });

export class MessageMoveTasks {
  private readonly tasks: RunningTask[] = [];

  constructor(private readonly sqs: SqsService) {}

  start(request: {
    sourceArn: string;
    destinationArn?: string;
    maxNumberOfMessagesPerSecond?: number;
  }): string {
    const sourceName = this.sqs.queueNameFromArn(request.sourceArn ?? '');
    if (!sourceName)
      throw resourceNotFound(`The resource that you specified for the SourceArn parameter doesn't exist.`);
    if (this.sqs.deadLetterSourcesOf(sourceName).length === 0) {
      throw unsupported(`Source queue must be configured as a Dead Letter Queue: ${request.sourceArn}`);
    }
    let destinationName: string | undefined;
    if (request.destinationArn !== undefined) {
      destinationName = this.sqs.queueNameFromArn(request.destinationArn);
      if (!destinationName) {
        throw resourceNotFound(
          `The resource that you specified for the DestinationArn parameter doesn't exist.`,
        );
      }
    }
    const rate = request.maxNumberOfMessagesPerSecond;
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE)) {
      throw invalidParameterValue(`MaxNumberOfMessagesPerSecond must be an integer from 1 to ${MAX_RATE}`);
    }
    if (this.tasks.some((task) => task.sourceName === sourceName && isActive(task))) {
      throw unsupported(
        `There is already a task running on ${request.sourceArn}. Only one active task is allowed per source.`,
      );
    }
    const pending = this.sqs.messageIds(sourceName);
    const task: RunningTask = {
      taskHandle: Buffer.from(
        JSON.stringify({ taskId: randomUUID(), sourceArn: request.sourceArn }),
      ).toString('base64'),
      status: 'RUNNING',
      sourceArn: request.sourceArn,
      ...(request.destinationArn !== undefined ? { destinationArn: request.destinationArn } : {}),
      ...(rate !== undefined ? { maxNumberOfMessagesPerSecond: rate } : {}),
      approximateNumberOfMessagesMoved: 0,
      approximateNumberOfMessagesToMove: pending.length,
      startedTimestamp: Date.now(),
      sourceName,
      ...(destinationName ? { destinationName } : {}),
      pending,
    };
    this.tasks.unshift(task);
    this.run(task);
    return task.taskHandle;
  }

  /** The most recent tasks of a source queue, newest first; the handle only on a running task. */
  list(sourceArn: string, maxResults = 1): MessageMoveTask[] {
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10) {
      throw invalidParameterValue('MaxResults must be an integer from 1 to 10');
    }
    const sourceName = this.sqs.queueNameFromArn(sourceArn ?? '');
    if (!sourceName)
      throw resourceNotFound(`The resource that you specified for the SourceArn parameter doesn't exist.`);
    const since = Date.now() - HISTORY_MS;
    return this.tasks
      .filter((task) => task.sourceName === sourceName && task.startedTimestamp >= since)
      .slice(0, maxResults)
      .map(
        ({
          sourceName: _source,
          destinationName: _destination,
          pending: _pending,
          timer: _timer,
          ...view
        }) => (view.status === 'RUNNING' ? view : { ...view, taskHandle: '' }),
      );
  }

  /** Stops a running task; what it moved stays moved. Returns how many it moved. */
  cancel(taskHandle: string): number {
    const task = this.tasks.find((candidate) => candidate.taskHandle === taskHandle);
    if (!task)
      throw resourceNotFound('The resource that you specified for the TaskHandle parameter does not exist.');
    if (task.status !== 'RUNNING') {
      throw unsupported(
        `A message movement task can only be cancelled while RUNNING; this one is ${task.status}.`,
      );
    }
    task.status = 'CANCELLING';
    this.finish(task, 'CANCELLED');
    return task.approximateNumberOfMessagesMoved;
  }

  /** Ends every task's timer (the gateway is closing). */
  stop(): void {
    for (const task of this.tasks) clearTimeout(task.timer);
  }

  private run(task: RunningTask): void {
    const perTick = Math.max(
      1,
      Math.round(((task.maxNumberOfMessagesPerSecond ?? MAX_RATE) * TICK_MS) / 1000),
    );
    const tick = () => {
      if (task.status !== 'RUNNING') return;
      let moved = 0;
      const waiting: string[] = [];
      while (task.pending.length > 0 && moved < perTick) {
        const messageId = task.pending.shift()!;
        let outcome: ReturnType<SqsService['moveMessage']>;
        try {
          outcome = this.sqs.moveMessage(task.sourceName, messageId, task.destinationName);
        } catch (error) {
          task.failureReason = error instanceof AwsError ? error.code : String(error);
          this.finish(task, 'FAILED');
          return;
        }
        if (outcome === 'no-source') {
          // A message sent straight to the DLQ names no source queue: AWS fails the task.
          task.failureReason = 'CouldNotDetermineMessageSource';
          this.finish(task, 'FAILED');
          return;
        }
        if (outcome === 'moved') {
          moved += 1;
          task.approximateNumberOfMessagesMoved += 1;
        } else if (outcome === 'in-flight') {
          waiting.push(messageId);
        }
      }
      task.pending.unshift(...waiting);
      if (task.pending.length === 0) {
        this.finish(task, 'COMPLETED');
        return;
      }
      task.timer = setTimeout(tick, TICK_MS);
      task.timer.unref();
    };
    task.timer = setTimeout(tick, 0);
    task.timer.unref();
  }

  private finish(task: RunningTask, status: MessageMoveTaskStatus): void {
    clearTimeout(task.timer);
    task.status = status;
    task.pending = [];
  }
}

function isActive(task: MessageMoveTask): boolean {
  return task.status === 'RUNNING' || task.status === 'CANCELLING';
}
