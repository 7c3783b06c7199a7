import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CfnResource, type Synth, synth } from './synth';

const PREFIX = 'sandbox-alice-';
const WORK_QUEUES = { push: 30, notice: 60, 'legacy-relay': 30, 'message-sent': 30 };
const FOURTEEN_DAYS = 14 * 24 * 60 * 60;

let sandbox: Synth;
let messaging: Template;
let resources: Record<string, CfnResource>;

/** The logical id of the resource of `type` whose `nameProperty` is `name`. */
function logicalIdNamed(type: string, nameProperty: string, name: string): string {
  const ids = Object.entries(resources)
    .filter(([, resource]) => resource.Type === type && resource.Properties?.[nameProperty] === name)
    .map(([id]) => id);
  expect(ids, `${type} named ${name}`).toHaveLength(1);
  return ids[0]!;
}

const queueId = (base: string) => logicalIdNamed('AWS::SQS::Queue', 'QueueName', `${PREFIX}${base}`);
const topicId = (base: string) => logicalIdNamed('AWS::SNS::Topic', 'TopicName', `${PREFIX}${base}`);

beforeAll(async () => {
  sandbox = await synth('sandbox');
  messaging = sandbox.template('messaging');
  resources = sandbox.templateFile('messaging').json.Resources ?? {};
});

describe('messaging', () => {
  it('creates the chat-events, user-events and alarms topics, encrypted with a rotating customer managed key', () => {
    messaging.resourceCountIs('AWS::SNS::Topic', 3);
    const keyId = Object.keys(
      messaging.findResources('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } }),
    );
    expect(keyId).toHaveLength(1);
    for (const base of ['chat-events', 'user-events', 'alarms']) {
      expect(resources[topicId(base)]!.Properties!.KmsMasterKeyId).toEqual({
        'Fn::GetAtt': [keyId[0], 'Arn'],
      });
    }
  });

  it('gives push, notice, legacy-relay and message-sent each their own dead-letter queue, after 5 receives', () => {
    const deadLetterQueues = new Set<string>();
    for (const base of Object.keys(WORK_QUEUES)) {
      const dlqId = queueId(`${base}-dlq`);
      expect(resources[queueId(base)]!.Properties!.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: 5,
      });
      expect(resources[dlqId]!.Properties!.MessageRetentionPeriod).toBe(FOURTEEN_DAYS);
      deadLetterQueues.add(dlqId);
    }
    expect(deadLetterQueues.size).toBe(4);
  });

  it("sets each work queue's visibility timeout to six times its consumer's timeout", () => {
    for (const [base, consumerTimeout] of Object.entries(WORK_QUEUES)) {
      expect(resources[queueId(base)]!.Properties!.VisibilityTimeout).toBe(6 * consumerTimeout);
    }
  });

  it('subscribes legacy-relay to both topics with raw message delivery', () => {
    const legacyRelayArn = { 'Fn::GetAtt': [queueId('legacy-relay'), 'Arn'] };
    for (const base of ['chat-events', 'user-events']) {
      messaging.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        TopicArn: { Ref: topicId(base) },
        Endpoint: legacyRelayArn,
        RawMessageDelivery: true,
      });
    }
    messaging.resourceCountIs('AWS::SNS::Subscription', 3);
  });

  it("subscribes message-sent (message-push's queue) to chat-events, raw, filtered to message.sent on the type attribute", () => {
    messaging.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: { Ref: topicId('chat-events') },
      Endpoint: { 'Fn::GetAtt': [queueId('message-sent'), 'Arn'] },
      RawMessageDelivery: true,
      FilterPolicy: { type: ['message.sent'] },
    });
    const scopes = Object.values(messaging.findResources('AWS::SNS::Subscription')).map(
      (subscription) => subscription.Properties.FilterPolicyScope,
    );
    // Without a scope SNS matches message attributes, which publishEvent sets.
    expect(scopes.every((scope) => scope === undefined || scope === 'MessageAttributes')).toBe(true);
  });

  it('lets only the two topics send to legacy-relay', () => {
    messaging.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId('legacy-relay') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topicId('chat-events') } } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topicId('user-events') } } },
          }),
        ]),
      },
    });
  });

  it('encrypts every queue at rest with SQS-managed keys', () => {
    const queues = Object.values(messaging.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(9);
    for (const queue of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('denies every request to a queue or topic that does not use TLS', () => {
    const denyInsecure = Match.objectLike({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const queuePolicies = Object.values(messaging.findResources('AWS::SQS::QueuePolicy'));
    const protectedQueues = queuePolicies
      .filter(
        (policy) =>
          Match.arrayWith([denyInsecure]).test(policy.Properties.PolicyDocument.Statement).isSuccess,
      )
      .flatMap((policy) => policy.Properties.Queues.map((queue: { Ref: string }) => queue.Ref));
    expect(new Set(protectedQueues)).toEqual(
      new Set(Object.keys(messaging.findResources('AWS::SQS::Queue'))),
    );

    for (const base of ['chat-events', 'user-events']) {
      messaging.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId(base) }],
        PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) },
      });
    }
  });

  it('keeps a stream-failures queue for the stream bindings, retained 14 days and not redriven', () => {
    const streamFailures = resources[queueId('stream-failures')]!.Properties!;
    expect(streamFailures.MessageRetentionPeriod).toBe(FOURTEEN_DAYS);
    expect(streamFailures.RedrivePolicy).toBeUndefined();
  });
});
