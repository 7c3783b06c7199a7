import {
  CreateTopicCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  NotFoundException,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { clientConfig, useGateway } from '../gateway/gateway-fixture';

const gateway = useGateway();

function sns() {
  return new SNSClient(clientConfig(gateway()));
}

async function receiveAll(queueUrl: string) {
  const sqs = new SQSClient(clientConfig(gateway()));
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
}

describe('SNS SMS', () => {
  it('captures an SMS to a phone number with its type and sender id instead of sending it', async () => {
    const { MessageId } = await sns().send(
      new PublishCommand({
        PhoneNumber: '+821012345678',
        Message: '[부톡] 인증번호 123456',
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'BOOTALK' },
        },
      }),
    );
    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(gateway().captures.sms.list()).toContainEqual({
      id: MessageId,
      phoneNumber: '+821012345678',
      message: '[부톡] 인증번호 123456',
      smsType: 'Transactional',
      senderId: 'BOOTALK',
      at: expect.any(String),
    });
  });

  it('refuses a phone number that is not in E.164 form', async () => {
    const before = gateway().captures.sms.list().length;
    await expect(
      sns().send(new PublishCommand({ PhoneNumber: '010-1234-5678', Message: 'code' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    expect(gateway().captures.sms.list()).toHaveLength(before);
  });
});

describe('SNS topics', () => {
  it('fans a publish out to a raw-delivery queue and to an enveloped queue', async () => {
    const { sns: service, sqs } = gateway();
    const topicArn = service.createTopic('fanout-events', { kmsKey: 'alias/aws/sns' });
    expect(topicArn).toBe('arn:aws:sns:ap-northeast-2:123456789012:fanout-events');
    const raw = sqs.createQueue('fanout-raw');
    const wrapped = sqs.createQueue('fanout-envelope');
    await sns().send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: raw.queueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    await sns().send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: wrapped.queueArn }),
    );

    const { MessageId } = await sns().send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'listing',
        Message: '{"type":"listing.created"}',
        MessageAttributes: { eventType: { DataType: 'String', StringValue: 'listing.created' } },
      }),
    );

    const [rawMessage] = await receiveAll(raw.queueUrl);
    expect(rawMessage?.Body).toBe('{"type":"listing.created"}');
    expect(rawMessage?.MessageAttributes).toEqual({
      eventType: { DataType: 'String', StringValue: 'listing.created' },
    });

    const [wrappedMessage] = await receiveAll(wrapped.queueUrl);
    expect(JSON.parse(wrappedMessage!.Body!)).toEqual({
      Type: 'Notification',
      MessageId,
      TopicArn: topicArn,
      Subject: 'listing',
      Message: '{"type":"listing.created"}',
      Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      SignatureVersion: '1',
      Signature: expect.any(String),
      SigningCertURL: expect.any(String),
      UnsubscribeURL: expect.any(String),
      MessageAttributes: { eventType: { Type: 'String', Value: 'listing.created' } },
    });
    expect(wrappedMessage?.MessageAttributes).toBeUndefined();
  });

  it('delivers only what a subscription filter policy lets through', async () => {
    const { sns: service, sqs } = gateway();
    const topicArn = service.createTopic('filtered-events');
    const chat = sqs.createQueue('filtered-chat');
    service.subscribe(topicArn, 'sqs', chat.queueArn, {
      rawMessageDelivery: true,
      filterPolicy: JSON.stringify({
        eventType: [{ prefix: 'chat.' }],
        region: [{ 'anything-but': ['blocked'] }],
        price: [{ numeric: ['>=', 100, '<', 1000] }],
      }),
    });
    const publish = (
      message: string,
      attributes: Record<string, { DataType: string; StringValue: string }>,
    ) =>
      sns().send(new PublishCommand({ TopicArn: topicArn, Message: message, MessageAttributes: attributes }));

    await publish('match', {
      eventType: { DataType: 'String', StringValue: 'chat.message' },
      region: { DataType: 'String', StringValue: 'seoul' },
      price: { DataType: 'Number', StringValue: '500' },
    });
    await publish('wrong prefix', {
      eventType: { DataType: 'String', StringValue: 'listing.created' },
      region: { DataType: 'String', StringValue: 'seoul' },
      price: { DataType: 'Number', StringValue: '500' },
    });
    await publish('excluded region', {
      eventType: { DataType: 'String', StringValue: 'chat.message' },
      region: { DataType: 'String', StringValue: 'blocked' },
      price: { DataType: 'Number', StringValue: '500' },
    });
    await publish('too expensive', {
      eventType: { DataType: 'String', StringValue: 'chat.message' },
      region: { DataType: 'String', StringValue: 'seoul' },
      price: { DataType: 'Number', StringValue: '1000' },
    });
    await publish('no attributes', {});

    expect((await receiveAll(chat.queueUrl)).map((message) => message.Body)).toEqual(['match']);
  });

  it('publishes a batch to the topic with one result per entry', async () => {
    const { sns: service, sqs } = gateway();
    const topicArn = service.createTopic('batch-events');
    const queue = sqs.createQueue('batch-events-queue');
    service.subscribe(topicArn, 'sqs', queue.queueArn, { rawMessageDelivery: true });
    const result = await sns().send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: [
          { Id: 'one', Message: 'first' },
          { Id: 'two', Message: 'second' },
        ],
      }),
    );
    expect(result.Successful?.map((entry) => entry.Id)).toEqual(['one', 'two']);
    expect(result.Failed ?? []).toEqual([]);
    expect((await receiveAll(queue.queueUrl)).map((message) => message.Body).sort()).toEqual([
      'first',
      'second',
    ]);
  });

  it('creates topics and lists their subscriptions over the API', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'api-created' }));
    const queue = gateway().sqs.createQueue('api-created-queue');
    const { SubscriptionArn } = await sns().send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.queueArn }),
    );
    const { Subscriptions } = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(Subscriptions).toEqual([
      { SubscriptionArn, Owner: '123456789012', Protocol: 'sqs', Endpoint: queue.queueArn, TopicArn },
    ]);
  });

  it('answers a publish to an unknown topic with the NotFound error AWS sends', async () => {
    const publishing = sns().send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:ap-northeast-2:123456789012:missing', Message: 'x' }),
    );
    await expect(publishing).rejects.toBeInstanceOf(NotFoundException);
    await expect(publishing).rejects.toMatchObject({
      message: 'Topic does not exist',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('writes the NotFound error as the awsQuery ErrorResponse document', async () => {
    const response = await fetch(gateway().url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20261126/ap-northeast-2/sns/aws4_request, Signature=x',
      },
      body: 'Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aap-northeast-2%3A123456789012%3Amissing&Message=x',
    });
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(
      /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>NotFound<\/Code><Message>Topic does not exist<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
  });
});
