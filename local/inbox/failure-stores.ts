import { type RedriveTarget, redrive, STREAM_FAILURES } from '../../scripts/redrive/failure-stores';
import { type SqsService, stringAttributes } from '../sqs/sqs-service';
import type { FailureStoreView, InboxFailureStores } from './sources';

/**
 * The sandbox's failure stores for the Dead letters tab: every queue that is another queue's
 * DLQ, and stream-failures. A redrive runs the same code as `npm run redrive` against the
 * local SQS, DynamoDB Local and the function runner.
 */
export function localFailureStores(sqs: SqsService, target: RedriveTarget): InboxFailureStores {
  const prefix = target.queueName('');
  const streamFailures = target.queueName(STREAM_FAILURES);
  return {
    list: () =>
      sqs
        .queueNames()
        .sort()
        .flatMap((name): FailureStoreView[] => {
          const destination = sqs.deadLetterSourcesOf(name)[0];
          if (!destination && name !== streamFailures) return [];
          return [
            {
              name,
              base: name.startsWith(prefix) ? name.slice(prefix.length) : name,
              kind: destination ? 'dead-letter-queue' : 'stream-failures',
              ...(destination ? { destination } : {}),
              messages: sqs.listMessages(name).map((message) => ({
                messageId: message.messageId,
                state: message.state,
                sentAt: message.sentAt,
                receiveCount: message.receiveCount,
                attributes: stringAttributes(message.messageAttributes),
                body: parsed(message.body),
              })),
            },
          ];
        }),
    redrive: (base, { dryRun }) => redrive(target, base, { dryRun, waitMs: 30_000 }),
  };
}

function parsed(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
