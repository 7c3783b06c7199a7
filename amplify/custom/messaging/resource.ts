import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type Deployment, resourceName, retainsData } from '../../environment';
import { MAX_RECEIVE_COUNT } from '../../functions/shared/queue-redrive';

/** The longest SQS keeps a message: time to look at a dead letter and redrive it. */
const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * The Lambda timeout each queue's consumer is built for. The visibility timeout is 6× that,
 * as AWS recommends for SQS event sources, so a message in flight is never delivered twice
 * while its batch is still running (and retried).
 */
export const QUEUE_CONSUMER_TIMEOUT_SECONDS = {
  push: 30,
  notice: 60,
  'legacy-relay': 30,
  'message-sent': 30,
} as const;

export type WorkQueueName = keyof typeof QUEUE_CONSUMER_TIMEOUT_SECONDS;

/** When a work queue's oldest message has waited this long, its consumer is stuck or far behind. */
const WORK_QUEUE_OLDEST_MESSAGE_ALARM: Record<WorkQueueName, Duration> = {
  // A push later than 10 minutes is no longer news; retries alone (5 × 180 s visibility) stay under 15.
  push: Duration.minutes(10),
  // A notice broadcast fans out to every targeted user in 60 s batches; half an hour means it is stuck.
  notice: Duration.minutes(30),
  // The Legacy API lags chat by this much only in an outage: someone should look before users do.
  'legacy-relay': Duration.minutes(15),
  // Every new message's pushes are planned from here: minutes of wait mean chat pushes arrive late.
  'message-sent': Duration.minutes(5),
};
/** A dead letter nobody redrove in 2 days: 12 of its 14 retention days are left to act. */
const DEAD_LETTER_OLDEST_MESSAGE_ALARM = Duration.days(2);
/** A stream batch's records leave DynamoDB Streams after 24 h: alarm with 18 h left to replay it. */
const STREAM_FAILURE_OLDEST_MESSAGE_ALARM = Duration.hours(6);

/**
 * SNS topics and SQS queues of the event flows (DESIGN §4):
 * - `chat-events`, `user-events`: what the legacy MSA backend consumes; both fan out to the
 *   `legacy-relay` queue (raw delivery, so its consumer sees the published JSON as is);
 * - `push`, `notice`: work queues for push-sender and notice-broadcast;
 * - `message-sent`: the `message.sent` events of `chat-events`, for message-push (the Message
 *   stream keeps two readers, AWS's advice per shard: the unread counter and message-legacy-sync);
 * - `stream-failures`: where DynamoDB stream bindings send a batch's metadata after their retries;
 * - `alarms`: CloudWatch alarms on every failure store's depth and every queue's oldest message.
 * Every work queue has its own dead-letter queue. Everything is encrypted and TLS-only.
 */
export class Messaging extends Construct {
  readonly chatEventsTopic: Topic;
  readonly userEventsTopic: Topic;
  readonly pushQueue: Queue;
  readonly noticeQueue: Queue;
  readonly legacyRelayQueue: Queue;
  readonly messageSentQueue: Queue;
  /** On-failure destination of the DynamoDB stream event source mappings. */
  readonly streamFailuresQueue: Queue;
  /** Encrypts both topics; publishers need `grantPublish`, which also grants use of the key. */
  readonly topicKey: Key;
  /** Where every alarm of the event flows goes: subscribe the on-call (e-mail, chat) to it. */
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, deployment: Deployment) {
    super(scope, id);
    const removalPolicy = retainsData(deployment) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // A customer managed key, not alias/aws/sns: AWS services that may publish later (CloudWatch
    // alarms, EventBridge, Scheduler) need a key policy that lets them use the key, and the
    // AWS managed key's policy cannot be changed. SNS itself decrypts before delivering to SQS.
    this.topicKey = new Key(this, 'TopicKey', {
      alias: `alias/${resourceName(deployment, 'messaging-topics')}`,
      description: `Encrypts the ${deployment.stage} event topics at rest`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(7),
    });

    const topic = (base: string) =>
      new Topic(this, pascalCase(base), {
        topicName: resourceName(deployment, base),
        masterKey: this.topicKey,
        enforceSSL: true,
      });
    this.chatEventsTopic = topic('chat-events');
    this.userEventsTopic = topic('user-events');

    this.alarmTopic = topic('alarms');
    // CloudWatch publishes alarms to the encrypted topic as its service principal (key and topic).
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.topicKey.stack.account } },
      }),
    );
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.alarmTopic.stack.account } },
      }),
    );

    const workQueue = (base: WorkQueueName) => {
      const deadLetterQueue = this.queue(deployment, `${base}-dlq`, {
        retentionPeriod: DEAD_LETTER_RETENTION,
      });
      this.alarmOnFailureStore(deployment, `${base}-dlq`, deadLetterQueue, DEAD_LETTER_OLDEST_MESSAGE_ALARM);
      const queue = this.queue(deployment, base, {
        visibilityTimeout: Duration.seconds(6 * QUEUE_CONSUMER_TIMEOUT_SECONDS[base]),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
      this.alarmOnOldestMessage(deployment, base, queue, WORK_QUEUE_OLDEST_MESSAGE_ALARM[base]);
      return queue;
    };
    this.pushQueue = workQueue('push');
    this.noticeQueue = workQueue('notice');
    this.legacyRelayQueue = workQueue('legacy-relay');

    for (const eventTopic of [this.chatEventsTopic, this.userEventsTopic]) {
      eventTopic.addSubscription(new SqsSubscription(this.legacyRelayQueue, { rawMessageDelivery: true }));
    }

    // Not named message-push: that is the function's name (and its tag) in every deployment.
    this.messageSentQueue = workQueue('message-sent');
    this.chatEventsTopic.addSubscription(
      new SqsSubscription(this.messageSentQueue, {
        rawMessageDelivery: true,
        // On the `type` message attribute publishEvent sets: only new messages push.
        filterPolicy: { type: SubscriptionFilter.stringFilter({ allowlist: ['message.sent'] }) },
      }),
    );

    this.streamFailuresQueue = this.queue(deployment, 'stream-failures', {
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    Validations.of(this.streamFailuresQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'stream-failures is itself a dead-letter sink: stream event source mappings write failed-batch ' +
        'metadata here after their bounded retries, and nothing consumes it automatically.',
    });
    this.alarmOnFailureStore(
      deployment,
      'stream-failures',
      this.streamFailuresQueue,
      STREAM_FAILURE_OLDEST_MESSAGE_ALARM,
    );
  }

  /** A failure store alarms on its first message and when its oldest waits too long for a redrive. */
  private alarmOnFailureStore(deployment: Deployment, base: string, queue: Queue, maxAge: Duration): void {
    const alarm = new Alarm(this, `${pascalCase(base)}DepthAlarm`, {
      alarmName: `${resourceName(deployment, base)}-depth`,
      alarmDescription: `${queue.node.id}: a message gave up and waits here. Look (docs/events.md, "Dead letters and redrive"), fix, then npm run redrive -- ${base}`,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    this.alarmOnOldestMessage(deployment, base, queue, maxAge);
  }

  private alarmOnOldestMessage(deployment: Deployment, base: string, queue: Queue, maxAge: Duration): void {
    const alarm = new Alarm(this, `${pascalCase(base)}OldestMessageAlarm`, {
      alarmName: `${resourceName(deployment, base)}-oldest-message-age`,
      alarmDescription: `${queue.node.id}: its oldest message has waited ${maxAge.toHumanString()} or more`,
      metric: queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: maxAge.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
  }

  /** SQS-managed SSE: SNS can deliver into it without a key policy, and consumers need no KMS grant. */
  private queue(
    deployment: Deployment,
    base: string,
    props: Pick<QueueProps, 'visibilityTimeout' | 'deadLetterQueue' | 'retentionPeriod'>,
  ): Queue {
    return new Queue(this, pascalCase(base), {
      queueName: resourceName(deployment, base),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      ...props,
    });
  }
}

function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_match, _dash, letter: string) => letter.toUpperCase());
}
