import { beforeAll, describe, expect, it } from 'vitest';
import { type CfnResource, type Synth, synthAll } from './synth';

const PREFIXES = { dev: 'dev-', staging: 'staging-', prod: '' } as const;
type Key = keyof typeof PREFIXES;
const KEYS = Object.keys(PREFIXES) as Key[];

let synths: Record<Key, Synth>;

beforeAll(async () => {
  synths = await synthAll(KEYS);
});

function messagingResources(key: Key): Record<string, CfnResource> {
  return synths[key].templateFile('messaging').json.Resources ?? {};
}

const getAttId = (value: unknown) => (value as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0];

/** Every queue some queue dead-letters into, and stream-failures: found in the template, not listed. */
function failureStores(resources: Record<string, CfnResource>, prefix: string): Map<string, string> {
  const stores = new Map<string, string>();
  for (const resource of Object.values(resources)) {
    const target = getAttId(
      (resource.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)
        ?.deadLetterTargetArn,
    );
    if (resource.Type === 'AWS::SQS::Queue' && target) {
      stores.set(target, String(resources[target]!.Properties!.QueueName));
    }
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (
      resource.Type === 'AWS::SQS::Queue' &&
      resource.Properties?.QueueName === `${prefix}stream-failures`
    ) {
      stores.set(id, `${prefix}stream-failures`);
    }
  }
  return stores;
}

function alarmsOn(resources: Record<string, CfnResource>, queueId: string, metricName: string) {
  return Object.values(resources).filter(
    (resource) =>
      resource.Type === 'AWS::CloudWatch::Alarm' &&
      resource.Properties?.MetricName === metricName &&
      resource.Properties?.Namespace === 'AWS/SQS' &&
      getAttId((resource.Properties?.Dimensions as { Value?: unknown }[] | undefined)?.[0]?.Value) ===
        queueId,
  );
}

function alarmTopicId(resources: Record<string, CfnResource>, prefix: string): string {
  const [id] = Object.entries(resources)
    .filter(
      ([, resource]) =>
        resource.Type === 'AWS::SNS::Topic' && resource.Properties?.TopicName === `${prefix}alarms`,
    )
    .map(([topicId]) => topicId);
  expect(id, `${prefix}alarms topic`).toBeDefined();
  return id!;
}

describe('CloudWatch alarms on the failure stores and queues', () => {
  it.each(KEYS)(
    'alarms on the first message of every DLQ and of stream-failures, named with the %s prefix',
    (key) => {
      const resources = messagingResources(key);
      const prefix = PREFIXES[key];
      const topic = alarmTopicId(resources, prefix);
      const stores = failureStores(resources, prefix);
      expect([...stores.values()].sort()).toEqual(
        expect.arrayContaining([
          `${prefix}legacy-relay-dlq`,
          `${prefix}notice-dlq`,
          `${prefix}push-dlq`,
          `${prefix}stream-failures`,
        ]),
      );
      for (const [queueId, queueName] of stores) {
        const depth = alarmsOn(resources, queueId, 'ApproximateNumberOfMessagesVisible');
        expect(depth, `${queueName} depth alarm`).toHaveLength(1);
        expect(depth[0]!.Properties).toMatchObject({
          AlarmName: `${queueName}-depth`,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: topic }],
        });
      }
    },
  );

  it.each(KEYS)('alarms on the age of the oldest message of every queue of the %s deployment', (key) => {
    const resources = messagingResources(key);
    const prefix = PREFIXES[key];
    const topic = alarmTopicId(resources, prefix);
    const queues = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThanOrEqual(7);
    for (const [queueId, queue] of queues) {
      const age = alarmsOn(resources, queueId, 'ApproximateAgeOfOldestMessage');
      const queueName = String(queue.Properties!.QueueName);
      expect(queueName.startsWith(prefix)).toBe(true);
      expect(age, `${queueName} oldest-message alarm`).toHaveLength(1);
      expect(age[0]!.Properties).toMatchObject({
        AlarmName: `${queueName}-oldest-message-age`,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: topic }],
      });
      expect(age[0]!.Properties!.Threshold).toBeGreaterThan(0);
    }
  });

  it('alarms on a stream failure while its records can still be read from the stream (24 h)', () => {
    const resources = messagingResources('prod');
    const [streamFailures] = [...failureStores(resources, '')].filter(
      ([, name]) => name === 'stream-failures',
    );
    const [age] = alarmsOn(resources, streamFailures![0], 'ApproximateAgeOfOldestMessage');
    expect(age!.Properties!.Threshold).toBeLessThanOrEqual(12 * 3600);
  });

  it('lets CloudWatch publish to the encrypted alarm topic: the key and the topic allow its service principal', () => {
    const resources = messagingResources('prod');
    const keys = Object.values(resources).filter((resource) => resource.Type === 'AWS::KMS::Key');
    expect(keys).toHaveLength(1);
    const keyStatements = (keys[0]!.Properties!.KeyPolicy as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(keyStatements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
    const topic = alarmTopicId(resources, '');
    expect(resources[topic]!.Properties!.KmsMasterKeyId).toBeDefined();
    const topicPolicy = Object.values(resources).find(
      (resource) =>
        resource.Type === 'AWS::SNS::TopicPolicy' &&
        JSON.stringify(resource.Properties?.Topics) === JSON.stringify([{ Ref: topic }]),
    );
    expect(
      (topicPolicy!.Properties!.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    ).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
      }),
    );
  });
});
