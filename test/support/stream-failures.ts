import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { ParkedStreamRecord } from '../../amplify/functions/shared/batch';

export const STREAM_FAILURES_URL =
  'https://sqs.ap-northeast-2.amazonaws.com/123456789012/dev-stream-failures';

/**
 * Runs `run` as a bound stream consumer runs (stream-binding.ts sets STREAM_FAILURES_QUEUE_URL),
 * with `sqs` (the file's SQS client mock) taking what it parks; returns those records.
 */
export async function parkingStreamRecords<T>(
  // biome-ignore lint/suspicious/noExplicitAny: the mock's input and output types vary by client
  sqs: AwsStub<any, any, SQSClient['config']>,
  run: () => Promise<T>,
): Promise<{ result: T; parked: ParkedStreamRecord[] }> {
  process.env.STREAM_FAILURES_QUEUE_URL = STREAM_FAILURES_URL;
  sqs.on(SendMessageCommand, { QueueUrl: STREAM_FAILURES_URL }).resolves({ MessageId: 'parked' });
  const before = sqs.commandCalls(SendMessageCommand).length;
  try {
    const result = await run();
    const parked = sqs
      .commandCalls(SendMessageCommand)
      .slice(before)
      .map((call) => call.args[0].input)
      .filter((input) => input.QueueUrl === STREAM_FAILURES_URL)
      .map((input) => JSON.parse(input.MessageBody!) as ParkedStreamRecord);
    return { result, parked };
  } finally {
    delete process.env.STREAM_FAILURES_QUEUE_URL;
  }
}
