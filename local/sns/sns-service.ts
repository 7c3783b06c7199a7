import { randomUUID } from 'node:crypto';
import { type CaptureLog, LOCAL_ACCOUNT, LOCAL_REGION } from '../contracts';
import { AwsError } from '../gateway/protocols';
import type { SmsCapture } from '../inbox/captures';
import type { SqsService } from '../sqs/sqs-service';
import {
  type FilterPolicy,
  type FilterPolicyScope,
  matchesFilterPolicy,
  parseFilterPolicy,
} from './filter-policy';

export interface SnsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

export interface SubscribeOptions {
  /** Deliver the message itself instead of the SNS JSON envelope. */
  rawMessageDelivery?: boolean;
  /** A policy object or its JSON text. */
  filterPolicy?: FilterPolicy | string;
  filterPolicyScope?: FilterPolicyScope;
}

export interface Subscription {
  subscriptionArn: string;
  topicArn: string;
  protocol: 'sqs';
  /** The queue's ARN. */
  endpoint: string;
  rawMessageDelivery: boolean;
  filterPolicy?: FilterPolicy;
  filterPolicyScope: FilterPolicyScope;
}

export interface PublishInput {
  topicArn?: string;
  /** A phone number in E.164 form: the message becomes an SMS (captured, never sent). */
  phoneNumber?: string;
  message: string;
  subject?: string;
  messageAttributes?: Record<string, SnsMessageAttribute>;
  /** `json`: `message` is a JSON object of per-protocol texts with a `default`. */
  messageStructure?: string;
}

interface Topic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  subscriptions: Subscription[];
}

const E164 = /^\+[1-9]\d{1,14}$/;
const MAX_MESSAGE_BYTES = 262_144;

export const topicNotFound = () => new AwsError('NotFound', 'Topic does not exist', { status: 404 });

export const invalidParameter = (message: string) => new AwsError('InvalidParameter', message);

/**
 * SNS topics with SQS subscriptions (raw or enveloped, filtered) and SMS publishing that lands
 * in a capture log instead of a phone.
 */
export class SnsService {
  private readonly topics = new Map<string, Topic>();
  private readonly sqs: SqsService;
  private readonly sms: CaptureLog<SmsCapture>;

  constructor(options: { sqs: SqsService; sms: CaptureLog<SmsCapture> }) {
    this.sqs = options.sqs;
    this.sms = options.sms;
  }

  topicArn(name: string): string {
    return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
  }

  /** Creates the topic (again is fine, as CreateTopic is idempotent) and returns its ARN. */
  createTopic(name: string, options: { kmsKey?: string; attributes?: Record<string, string> } = {}): string {
    if (!/^[\w-]{1,256}$/.test(name)) throw invalidParameter(`Invalid parameter: Topic Name ${name}`);
    const arn = this.topicArn(name);
    if (!this.topics.has(arn)) {
      const attributes = { ...options.attributes };
      if (options.kmsKey) attributes.KmsMasterKeyId = options.kmsKey;
      this.topics.set(arn, { arn, name, attributes, subscriptions: [] });
    }
    return arn;
  }

  hasTopic(topicArn: string): boolean {
    return this.topics.has(topicArn);
  }

  topicArns(): string[] {
    return [...this.topics.keys()];
  }

  /** Subscribes an SQS queue (by ARN; it may be created later). Subscribing again returns the same ARN. */
  subscribe(topicArn: string, protocol: string, endpoint: string, options: SubscribeOptions = {}): string {
    const topic = this.topic(topicArn);
    if (protocol !== 'sqs') {
      throw invalidParameter(
        `Invalid parameter: the local sandbox only delivers to sqs subscriptions, not ${protocol}`,
      );
    }
    if (!/^arn:aws:sqs:[^:]+:\d{12}:[\w-]+$/.test(endpoint)) {
      throw invalidParameter(`Invalid parameter: SQS endpoint ARN ${endpoint}`);
    }
    const existing = topic.subscriptions.find((subscription) => subscription.endpoint === endpoint);
    if (existing) return existing.subscriptionArn;
    const filterPolicy =
      typeof options.filterPolicy === 'string'
        ? parseFilterPolicy(options.filterPolicy)
        : options.filterPolicy;
    const subscription: Subscription = {
      subscriptionArn: `${topicArn}:${randomUUID()}`,
      topicArn,
      protocol: 'sqs',
      endpoint,
      rawMessageDelivery: options.rawMessageDelivery ?? false,
      filterPolicy,
      filterPolicyScope: options.filterPolicyScope ?? 'MessageAttributes',
    };
    topic.subscriptions.push(subscription);
    return subscription.subscriptionArn;
  }

  subscriptions(topicArn: string): readonly Subscription[] {
    return this.topic(topicArn).subscriptions;
  }

  /** Publishes to a topic (fanning out to its queues) or, with `phoneNumber`, captures an SMS. */
  publish(input: PublishInput): { messageId: string } {
    const messageId = randomUUID();
    const attributes = input.messageAttributes ?? {};
    checkMessage(input, attributes);
    if (input.phoneNumber !== undefined) {
      if (input.topicArn) throw invalidParameter('Invalid parameter: only one of TopicArn and PhoneNumber');
      if (!E164.test(input.phoneNumber)) {
        throw invalidParameter(
          `Invalid parameter: PhoneNumber Reason: ${input.phoneNumber} is not valid to publish to`,
        );
      }
      this.sms.add({
        id: messageId,
        phoneNumber: input.phoneNumber,
        message: messageFor(input, 'sms'),
        smsType: attributes['AWS.SNS.SMS.SMSType']?.StringValue,
        senderId: attributes['AWS.SNS.SMS.SenderID']?.StringValue,
        at: new Date().toISOString(),
      });
      return { messageId };
    }
    if (!input.topicArn)
      throw invalidParameter(
        'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
      );
    const topic = this.topic(input.topicArn);
    const message = messageFor(input, 'sqs');
    for (const subscription of topic.subscriptions) {
      if (
        subscription.filterPolicy &&
        !matchesFilterPolicy(subscription.filterPolicy, subscription.filterPolicyScope, {
          attributes,
          body: message,
        })
      ) {
        continue;
      }
      this.deliver(subscription, { messageId, message, subject: input.subject, attributes });
    }
    return { messageId };
  }

  private topic(topicArn: string): Topic {
    const topic = this.topics.get(topicArn);
    if (!topic) throw topicNotFound();
    return topic;
  }

  private deliver(
    subscription: Subscription,
    notification: {
      messageId: string;
      message: string;
      subject?: string;
      attributes: Record<string, SnsMessageAttribute>;
    },
  ): void {
    const queueName = this.sqs.queueNameFromArn(subscription.endpoint);
    if (!queueName) {
      console.warn(
        `[sns] ${subscription.topicArn}: queue ${subscription.endpoint} does not exist; message dropped`,
      );
      return;
    }
    try {
      if (subscription.rawMessageDelivery) {
        this.sqs.send(queueName, notification.message, { messageAttributes: notification.attributes });
      } else {
        this.sqs.send(queueName, JSON.stringify(this.envelope(subscription, notification)));
      }
    } catch (error) {
      // SNS drops (or dead-letters) what SQS refuses, e.g. more than 10 attributes on a raw delivery.
      console.warn(`[sns] ${subscription.topicArn}: delivery to ${queueName} failed`, error);
    }
  }

  /** The JSON SNS wraps a message in when raw delivery is off. */
  private envelope(
    subscription: Subscription,
    notification: {
      messageId: string;
      message: string;
      subject?: string;
      attributes: Record<string, SnsMessageAttribute>;
    },
  ) {
    const attributeEntries = Object.entries(notification.attributes);
    return {
      Type: 'Notification',
      MessageId: notification.messageId,
      TopicArn: subscription.topicArn,
      ...(notification.subject !== undefined ? { Subject: notification.subject } : {}),
      Message: notification.message,
      Timestamp: new Date().toISOString(),
      SignatureVersion: '1',
      Signature: Buffer.from('local-sandbox-unsigned').toString('base64'),
      SigningCertURL: `https://sns.${LOCAL_REGION}.amazonaws.com/SimpleNotificationService-local-sandbox.pem`,
      UnsubscribeURL: `${this.sqs.endpoint}/?Action=Unsubscribe&SubscriptionArn=${subscription.subscriptionArn}`,
      ...(attributeEntries.length > 0
        ? {
            MessageAttributes: Object.fromEntries(
              attributeEntries.map(([name, { DataType, StringValue, BinaryValue }]) => [
                name,
                {
                  Type: DataType,
                  Value: BinaryValue ? Buffer.from(BinaryValue).toString('base64') : StringValue,
                },
              ]),
            ),
          }
        : {}),
    };
  }
}

function checkMessage(input: PublishInput, attributes: Record<string, SnsMessageAttribute>): void {
  if (!input.message) throw invalidParameter('Invalid parameter: Message Reason: Empty message');
  if (Buffer.byteLength(input.message) > MAX_MESSAGE_BYTES) {
    throw invalidParameter('Invalid parameter: Message too long');
  }
  for (const [name, { DataType, StringValue, BinaryValue }] of Object.entries(attributes)) {
    if (!/^(String|Number|Binary)(\..+)?$/.test(DataType ?? '')) {
      throw new AwsError(
        'InvalidParameterValue',
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (DataType.startsWith('Binary') ? BinaryValue === undefined : StringValue === undefined) {
      throw new AwsError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${DataType}'.`,
      );
    }
  }
  if (input.messageStructure !== undefined) {
    if (input.messageStructure !== 'json') throw invalidParameter('Invalid parameter: MessageStructure');
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.message);
    } catch {
      throw invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse');
    }
    if (typeof (parsed as { default?: unknown })?.default !== 'string') {
      throw invalidParameter('Invalid parameter: Message Structure - No default entry in JSON message body');
    }
  }
}

/** The text for one protocol: with MessageStructure json, its own entry or the default. */
function messageFor(input: PublishInput, protocol: string): string {
  if (input.messageStructure !== 'json') return input.message;
  const texts = JSON.parse(input.message) as Record<string, string>;
  return texts[protocol] ?? texts.default!;
}
