import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Deployment, resourceName } from '../../amplify/environment';
import { type InvokeOutcome, type RedriveTarget, streamConsumerOutcome } from './failure-stores';

/**
 * A deployed backend: the SDK's default credentials and region (AWS_PROFILE, AWS_REGION, …),
 * queue names from amplify/environment.ts, the function invoked with Lambda Invoke.
 */
export function awsRedriveTarget(deployment: Deployment): RedriveTarget {
  const lambda = new LambdaClient({});
  return {
    sqs: new SQSClient({}),
    streams: new DynamoDBStreamsClient({}),
    queueName: (base) => resourceName(deployment, base),
    streamArn: async (recordedArn) => recordedArn,
    filterPatterns: async (functionArn, streamArn) => {
      const { EventSourceMappings = [] } = await lambda.send(
        new ListEventSourceMappingsCommand({ FunctionName: functionArn, EventSourceArn: streamArn }),
      );
      return EventSourceMappings.flatMap((mapping) =>
        (mapping.FilterCriteria?.Filters ?? []).flatMap((filter) => (filter.Pattern ? [filter.Pattern] : [])),
      );
    },
    invoke: async (functionArn, event): Promise<InvokeOutcome> => {
      const response = await lambda.send(
        new InvokeCommand({
          FunctionName: functionArn,
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
      const payload = response.Payload ? new TextDecoder().decode(response.Payload) : '';
      if (response.FunctionError)
        return { ok: false, error: `${response.FunctionError}: ${payload.slice(0, 500)}` };
      return streamConsumerOutcome(payload ? JSON.parse(payload) : null);
    },
  };
}
