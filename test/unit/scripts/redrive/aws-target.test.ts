import { InvokeCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deploymentSettings } from '../../../../amplify/environment';
import { awsRedriveTarget } from '../../../../scripts/redrive/aws-target';

const lambda = mockClient(LambdaClient);
const FUNCTION_ARN = 'arn:aws:lambda:ap-northeast-2:111122223333:function:amplify-bootalk-main-messagepush';
const STREAM_ARN =
  'arn:aws:dynamodb:ap-northeast-2:111122223333:table/Message-abc/stream/2026-01-01T00:00:00.000';
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

beforeEach(() => lambda.reset());

describe('the AWS redrive target', () => {
  it('names queues as the deployment does: unprefixed in prod, prefixed elsewhere', () => {
    const prod = awsRedriveTarget(deploymentSettings({ namespace: 'bootalk', name: 'main', type: 'branch' }));
    const dev = awsRedriveTarget(deploymentSettings({ namespace: 'bootalk', name: 'dev', type: 'branch' }));
    expect(prod.queueName('legacy-relay-dlq')).toBe('legacy-relay-dlq');
    expect(dev.queueName('legacy-relay-dlq')).toBe('dev-legacy-relay-dlq');
  });

  it('invokes the function by its ARN with the stream event and reports the records it failed', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: encode({ batchItemFailures: [{ itemIdentifier: '42' }] }) as never,
    });
    const target = awsRedriveTarget(
      deploymentSettings({ namespace: 'bootalk', name: 'main', type: 'branch' }),
    );

    const outcome = await target.invoke(FUNCTION_ARN, { Records: [{ eventID: '1' }] });

    expect(outcome).toEqual({ ok: true, failedItems: ['42'] });
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input.FunctionName).toBe(FUNCTION_ARN);
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({
      Records: [{ eventID: '1' }],
    });
  });

  it('reports a function error as a failed replay', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: encode({ errorMessage: 'Legacy API 503' }) as never,
    });
    const target = awsRedriveTarget(
      deploymentSettings({ namespace: 'bootalk', name: 'main', type: 'branch' }),
    );

    const outcome = await target.invoke(FUNCTION_ARN, { Records: [] });

    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining('Legacy API 503') });
  });

  it("reads the mapping's filter patterns for that function and stream", async () => {
    lambda
      .on(ListEventSourceMappingsCommand, { FunctionName: FUNCTION_ARN, EventSourceArn: STREAM_ARN })
      .resolves({
        EventSourceMappings: [{ FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] } }],
      });
    const target = awsRedriveTarget(
      deploymentSettings({ namespace: 'bootalk', name: 'main', type: 'branch' }),
    );

    expect(await target.filterPatterns(FUNCTION_ARN, STREAM_ARN)).toEqual(['{"eventName":["INSERT"]}']);
  });
});
