import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CognitoIdentityProviderClient,
  GetUserCommand,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { PurgeQueueCommand, SQSClient, UnsupportedOperation } from '@aws-sdk/client-sqs';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { AwsError, type RequestContext } from '../../../local/gateway/protocols';
import { createCaptureLog } from '../../../local/inbox/captures';
import { clientConfig, useGateway } from './gateway-fixture';

const gateway = useGateway();
const run = promisify(execFile);

describe('AWS gateway routing', () => {
  it('names the service and operation it does not implement, in the SQS error the SDK knows', async () => {
    const { queueUrl } = gateway().sqs.createQueue('purge-me');
    const purging = new SQSClient(clientConfig(gateway())).send(
      new PurgeQueueCommand({ QueueUrl: queueUrl }),
    );
    await expect(purging).rejects.toBeInstanceOf(UnsupportedOperation);
    await expect(purging).rejects.toThrow('the local sandbox does not implement sqs:PurgeQueue');
  });

  it('names an unimplemented SSM operation in the awsJson error shape', async () => {
    const describing = new SSMClient(clientConfig(gateway())).send(new DescribeParametersCommand({}));
    await expect(describing).rejects.toMatchObject({
      name: 'UnsupportedOperation',
      message: 'the local sandbox does not implement ssm:DescribeParameters',
    });
  });

  it('names an unimplemented SNS operation in the awsQuery error document', async () => {
    const deleting = new SNSClient(clientConfig(gateway())).send(
      new DeleteTopicCommand({ TopicArn: 'arn:aws:sns:ap-northeast-2:123456789012:t' }),
    );
    await expect(deleting).rejects.toMatchObject({
      name: 'UnsupportedOperation',
      message: 'the local sandbox does not implement sns:DeleteTopic',
    });
  });

  it('names an X-Amz-Target prefix no service is mounted at', async () => {
    const response = await fetch(gateway().url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'UnsupportedOperation',
      message: 'the local sandbox does not implement DynamoDB_20120810:GetItem',
    });
  });

  it('serves a JSON-protocol service mounted with registerService to its real SDK client', async () => {
    const seen: RequestContext[] = [];
    gateway().registerService('cognito-idp', {
      protocol: 'json',
      targetPrefix: 'AWSCognitoIdentityProviderService',
      operations: {
        GetUser: async (request: { AccessToken: string }, context: RequestContext) => {
          seen.push(context);
          if (request.AccessToken !== 'good')
            throw new AwsError('NotAuthorizedException', 'Invalid Access Token');
          return { Username: 'user-1', UserAttributes: [{ Name: 'phone_number', Value: '+821012345678' }] };
        },
      },
    });
    const cognito = new CognitoIdentityProviderClient(clientConfig(gateway()));
    const user = await cognito.send(new GetUserCommand({ AccessToken: 'good' }));
    expect(user).toMatchObject({
      Username: 'user-1',
      UserAttributes: [{ Name: 'phone_number', Value: '+821012345678' }],
    });
    expect(seen[0]).toMatchObject({
      service: 'cognito-idp',
      operation: 'GetUser',
      gatewayUrl: gateway().url,
    });

    await expect(cognito.send(new GetUserCommand({ AccessToken: 'bad' }))).rejects.toBeInstanceOf(
      NotAuthorizedException,
    );
    expect(() =>
      gateway().registerService('other', {
        protocol: 'json',
        targetPrefix: 'AWSCognitoIdentityProviderService',
        operations: {},
      }),
    ).toThrow(/already mounted/);
  });

  it('is reached by SDK clients built without an endpoint when AWS_ENDPOINT_URL is set', async () => {
    gateway().ssm.put('/bootalk/sandbox/env-check', 'reached');
    const { queueUrl } = gateway().sqs.createQueue('env-check');
    const script = `
      import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
      import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
      const { Parameter } = await new SSMClient({}).send(new GetParameterCommand({ Name: '/bootalk/sandbox/env-check' }));
      await new SQSClient({}).send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: Parameter.Value }));
      console.log(Parameter.Value);
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH,
        AWS_ENDPOINT_URL: gateway().url,
        AWS_REGION: 'ap-northeast-2',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        QUEUE_URL: queueUrl,
      },
      timeout: 30_000,
    });
    expect(stdout.trim()).toBe('reached');
    expect(
      gateway()
        .sqs.listMessages('env-check')
        .map((message) => message.body),
    ).toEqual(['reached']);
  });
});

describe('AWS gateway for browsers', () => {
  it('answers a CORS preflight so browser clients can call a mounted service', async () => {
    const response = await fetch(gateway().url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8081',
        'access-control-request-headers': 'content-type,x-amz-target',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type,x-amz-target');
  });
});

describe('capture logs', () => {
  it('keeps only the newest entries up to its limit and tells listeners about each one', () => {
    const log = createCaptureLog<number>(2);
    const heard: number[] = [];
    const stop = log.onAdd((entry) => heard.push(entry));
    log.add(1);
    log.add(2);
    log.add(3);
    stop();
    log.add(4);
    expect(log.list()).toEqual([3, 4]);
    expect(heard).toEqual([1, 2, 3]);
    log.clear();
    expect(log.list()).toEqual([]);
  });
});
