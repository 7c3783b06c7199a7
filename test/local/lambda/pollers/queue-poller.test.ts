import { afterEach, describe, expect, it } from 'vitest';
import type { EventSourceMappingSpec, FunctionInvoker, InvokeResult } from '../../../../local/contracts';
import { createCaptureLog, type DeadLetterCapture } from '../../../../local/inbox/captures';
import { QueuePoller } from '../../../../local/lambda/pollers/queue-poller';
import { SqsService } from '../../../../local/sqs/sqs-service';

// The real local SQS service; the function is a scripted stand-in so each Lambda rule can be seen.

const pollers: QueuePoller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});

function setup(respond: (bodies: string[]) => InvokeResult, overrides: Partial<EventSourceMappingSpec> = {}) {
  const deadLetters = createCaptureLog<DeadLetterCapture>();
  const sqs = new SqsService({ deadLetters });
  sqs.createQueue('work-dlq', {});
  sqs.createQueue('work', {
    visibilityTimeoutSeconds: 1,
    redrive: { deadLetterQueueName: 'work-dlq', maxReceiveCount: 2 },
  });
  const calls: string[][] = [];
  const invoker: FunctionInvoker = {
    has: () => true,
    async invoke(_name, event) {
      const bodies = (event as { Records: { body: string }[] }).Records.map((record) => record.body);
      calls.push(bodies);
      return respond(bodies);
    },
  };
  const poller = new QueuePoller(
    {
      functionName: 'worker',
      source: { kind: 'sqs', queueName: 'work' },
      batchSize: 10,
      filterPatterns: [],
      reportBatchItemFailures: true,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: -1,
      ...overrides,
    },
    sqs,
    invoker,
  );
  pollers.push(poller);
  return { sqs, calls, poller, deadLetters };
}

const ok = (result: unknown = null): InvokeResult => ({ ok: true, result, durationMs: 1 });

describe('the SQS event source poller', () => {
  it('delivers messages and deletes them when the function succeeds', async () => {
    const { sqs, calls, poller } = setup(() => ok());
    sqs.send('work', 'a');
    sqs.send('work', 'b');
    poller.start();
    await expect.poll(() => calls.flat().sort(), { timeout: 5000 }).toEqual(['a', 'b']);
    await expect.poll(() => sqs.listMessages('work').length, { timeout: 5000 }).toBe(0);
  });

  it('keeps only the messages the function reported failed, and redelivers them after the visibility timeout', async () => {
    let first = true;
    const { sqs, calls, poller } = setup(() => {
      if (!first) return ok();
      first = false;
      const failed = sqs.listMessages('work').find((message) => message.body === 'bad');
      return ok({ batchItemFailures: [{ itemIdentifier: failed!.messageId }] });
    });
    sqs.send('work', 'good');
    sqs.send('work', 'bad');
    poller.start();
    await expect.poll(() => calls.length, { timeout: 8000 }).toBeGreaterThanOrEqual(2);
    expect(calls[1]).toEqual(['bad']);
  });

  it('moves a message that keeps failing to its dead-letter queue', async () => {
    const { sqs, poller, deadLetters } = setup(() => ({
      ok: false,
      error: { errorType: 'Error', errorMessage: 'boom' },
      durationMs: 1,
    }));
    sqs.send('work', 'poison');
    poller.start();
    await expect.poll(() => deadLetters.list().length, { timeout: 10_000 }).toBe(1);
    expect(sqs.listMessages('work-dlq').map((message) => message.body)).toEqual(['poison']);
  });
});
