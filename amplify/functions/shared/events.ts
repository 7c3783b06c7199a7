import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

/**
 * The envelope of every event published for the Legacy API (docs/events.md). `id` is stable
 * for the same fact, so a retried publish is a duplicate the consumer can drop.
 */
export interface EventEnvelope<T extends string = string, P = Record<string, unknown>> {
  type: T;
  id: string;
  occurredAt: string;
  version: 1;
  payload: P;
}

export function eventEnvelope<T extends string, P>(
  type: T,
  id: string,
  payload: P,
  occurredAt: Date,
): EventEnvelope<T, P> {
  return { type, id, occurredAt: occurredAt.toISOString(), version: 1, payload };
}

const sns = new SNSClient({});

export async function publishEvent(
  topicArn: string,
  event: EventEnvelope<string, unknown>,
  client: SNSClient = sns,
) {
  await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(event),
      // Subscribers filter on these without parsing the body.
      MessageAttributes: {
        type: { DataType: 'String', StringValue: event.type },
        version: { DataType: 'Number', StringValue: String(event.version) },
      },
    }),
  );
}
