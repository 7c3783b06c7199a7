import {
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  ResourceNotFoundException,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  UnsupportedOperation,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { clientConfig, useGateway } from '../gateway/gateway-fixture';

const gateway = useGateway();

let counter = 0;
/** A work queue and its DLQ (maxReceiveCount 1), fresh per test. */
function workQueueWithDlq() {
  counter += 1;
  const sqs = gateway().sqs;
  const dlq = sqs.createQueue(`move-dlq-${counter}`);
  const work = sqs.createQueue(`move-work-${counter}`, {
    visibilityTimeoutSeconds: 0,
    redrive: { deadLetterQueueName: `move-dlq-${counter}`, maxReceiveCount: 1 },
  });
  return { dlq, work, dlqName: `move-dlq-${counter}`, workName: `move-work-${counter}` };
}

function client() {
  return new SQSClient(clientConfig(gateway()));
}

/** Sends `count` messages and receives each past maxReceiveCount, so SQS dead-letters them. */
async function deadLetter(sqs: SQSClient, workUrl: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: workUrl,
        MessageBody: JSON.stringify({ index }),
        MessageAttributes: { reason: { DataType: 'String', StringValue: `refused ${index}` } },
      }),
    );
    ids.push(sent.MessageId!);
  }
  // The first receive counts 1; the next one moves them to the DLQ (maxReceiveCount 1).
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: workUrl, MaxNumberOfMessages: 10 }));
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: workUrl, MaxNumberOfMessages: 10 }));
  return ids;
}

async function untilTaskEnds(sqs: SQSClient, sourceArn: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn }));
    const task = Results?.[0];
    if (task && task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') return task;
    if (Date.now() > deadline) throw new Error(`the move task is still ${task?.Status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SQS message move tasks (DLQ redrive) through the real SDK client', () => {
  it('moves every dead letter back to the queue it failed from, with its attributes and a fresh receive count', async () => {
    const sqs = client();
    const { dlq, work, dlqName, workName } = workQueueWithDlq();
    const ids = await deadLetter(sqs, work.queueUrl, 3);
    expect(
      gateway()
        .sqs.listMessages(dlqName)
        .map((message) => message.messageId),
    ).toEqual(ids);

    const started = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.queueArn }));
    expect(started.TaskHandle).toBeTruthy();
    const task = await untilTaskEnds(sqs, dlq.queueArn);

    expect(task).toMatchObject({
      Status: 'COMPLETED',
      SourceArn: dlq.queueArn,
      ApproximateNumberOfMessagesMoved: 3,
      ApproximateNumberOfMessagesToMove: 3,
    });
    expect(task.TaskHandle).toBeUndefined();
    expect(gateway().sqs.listMessages(dlqName)).toEqual([]);
    const back = gateway().sqs.listMessages(workName);
    expect(back.map((message) => message.messageId)).toEqual(ids);
    expect(back.every((message) => message.receiveCount === 0 && message.state === 'visible')).toBe(true);
    expect(back[1]?.messageAttributes.reason?.StringValue).toBe('refused 1');
  });

  it('moves to the destination it is given, at the rate it is given', async () => {
    const sqs = client();
    const { dlq, work, dlqName } = workQueueWithDlq();
    const other = gateway().sqs.createQueue(`move-other-${counter}`);
    await deadLetter(sqs, work.queueUrl, 2);

    await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: dlq.queueArn,
        DestinationArn: other.queueArn,
        MaxNumberOfMessagesPerSecond: 10,
      }),
    );
    const task = await untilTaskEnds(sqs, dlq.queueArn);

    expect(task).toMatchObject({
      Status: 'COMPLETED',
      DestinationArn: other.queueArn,
      MaxNumberOfMessagesPerSecond: 10,
      ApproximateNumberOfMessagesMoved: 2,
    });
    expect(gateway().sqs.listMessages(`move-other-${counter}`)).toHaveLength(2);
    expect(gateway().sqs.listMessages(dlqName)).toEqual([]);
  });

  it('fails the task when a message was sent straight to the DLQ and no destination is given', async () => {
    const sqs = client();
    const { dlq } = workQueueWithDlq();
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq.queueUrl, MessageBody: '{"parked":true}' }));

    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.queueArn }));
    const task = await untilTaskEnds(sqs, dlq.queueArn);

    expect(task).toMatchObject({ Status: 'FAILED', FailureReason: 'CouldNotDetermineMessageSource' });
  });

  it('refuses a source that is no queue’s dead-letter queue, an unknown queue and a second active task', async () => {
    const sqs = client();
    const { dlq, work } = workQueueWithDlq();
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: work.queueArn })),
    ).rejects.toBeInstanceOf(UnsupportedOperation);
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: `${dlq.queueArn}-missing` })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn: dlq.queueArn, MaxNumberOfMessagesPerSecond: 501 }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });

    // An in-flight dead letter keeps the first task running, so a second is refused.
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq.queueUrl, MessageBody: 'held' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.queueUrl, VisibilityTimeout: 60 }));
    await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlq.queueArn, DestinationArn: work.queueArn }),
    );
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.queueArn })),
    ).rejects.toBeInstanceOf(UnsupportedOperation);
  });

  it('cancels a running task, keeps what it moved, and refuses to cancel it twice', async () => {
    const sqs = client();
    const { dlq, work, dlqName } = workQueueWithDlq();
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq.queueUrl, MessageBody: 'held' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.queueUrl, VisibilityTimeout: 60 }));
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlq.queueArn, DestinationArn: work.queueArn }),
    );
    const running = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.queueArn }));
    expect(running.Results?.[0]).toMatchObject({
      Status: 'RUNNING',
      TaskHandle,
      ApproximateNumberOfMessagesToMove: 1,
    });

    const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    expect(cancelled.ApproximateNumberOfMessagesMoved).toBe(0);
    const listed = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: dlq.queueArn, MaxResults: 10 }),
    );
    expect(listed.Results?.map((task) => task.Status)).toEqual(['CANCELLED']);
    expect(gateway().sqs.listMessages(dlqName)).toHaveLength(1);
    await expect(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }))).rejects.toBeInstanceOf(
      UnsupportedOperation,
    );
    await expect(
      sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'bm90LWEtdGFzaw==' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
