import { queueNameOfArn, type Templates } from './templates';

/** SNS topics and subscriptions, SQS queues and End User Messaging push applications. */

export interface TopicSpec {
  name: string;
  arn: string;
}

export interface QueueSpec {
  name: string;
  arn: string;
  url: string;
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds: number;
  redrive?: { deadLetterQueueName: string; maxReceiveCount: number };
}

export interface SubscriptionSpec {
  topicArn: string;
  protocol: string;
  /** Queue name for protocol sqs. */
  queueName?: string;
  endpoint: string;
  rawMessageDelivery: boolean;
  filterPolicy?: Record<string, unknown>;
  filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
}

export function readTopics(t: Templates): TopicSpec[] {
  return t.ofType('AWS::SNS::Topic').map((located) => ({
    name: String(t.resolver.getAtt(located.stack, located.logicalId, 'TopicName')),
    arn: String(t.resolver.ref(located.stack, located.logicalId)),
  }));
}

export function readQueues(t: Templates): QueueSpec[] {
  return t.ofType('AWS::SQS::Queue').map((located) => {
    const p = t.props(located);
    const redrive = p.RedrivePolicy as { deadLetterTargetArn?: string; maxReceiveCount?: number } | undefined;
    return {
      name: String(t.resolver.getAtt(located.stack, located.logicalId, 'QueueName')),
      arn: String(t.resolver.getAtt(located.stack, located.logicalId, 'Arn')),
      url: String(t.resolver.ref(located.stack, located.logicalId)),
      visibilityTimeoutSeconds: Number(p.VisibilityTimeout ?? 30),
      messageRetentionSeconds: Number(p.MessageRetentionPeriod ?? 345_600),
      ...(redrive?.deadLetterTargetArn
        ? {
            redrive: {
              deadLetterQueueName: queueNameOfArn(redrive.deadLetterTargetArn),
              maxReceiveCount: Number(redrive.maxReceiveCount ?? 10),
            },
          }
        : {}),
    };
  });
}

export function readSubscriptions(t: Templates): SubscriptionSpec[] {
  return t.ofType('AWS::SNS::Subscription').map((located) => {
    const p = t.props(located);
    return {
      topicArn: String(p.TopicArn),
      protocol: String(p.Protocol),
      endpoint: String(p.Endpoint),
      ...(p.Protocol === 'sqs' ? { queueName: queueNameOfArn(p.Endpoint) } : {}),
      rawMessageDelivery: p.RawMessageDelivery === true || p.RawMessageDelivery === 'true',
      ...(p.FilterPolicy ? { filterPolicy: p.FilterPolicy as Record<string, unknown> } : {}),
      ...(p.FilterPolicyScope ? { filterPolicyScope: p.FilterPolicyScope as 'MessageAttributes' } : {}),
    };
  });
}

/** End User Messaging (Pinpoint) push applications. */
export function readPushApplicationIds(t: Templates): string[] {
  return t
    .ofType('AWS::Pinpoint::App')
    .map((located) => String(t.resolver.ref(located.stack, located.logicalId)));
}
