import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';
import { deploymentSettings, resourceName } from '../../amplify/environment';
import { SANDBOX_NAME } from '../../local/assembly/synth-cache';
import { type EventSourceMappingSpec, type FunctionInvoker, LOCAL_REGION } from '../../local/contracts';
import { type InvokeOutcome, type RedriveTarget, streamConsumerOutcome } from './failure-stores';

/** The deployment `npm start` synthesizes: queue names `sandbox-local-…`. */
export const LOCAL_DEPLOYMENT = deploymentSettings({
  namespace: 'bootalk',
  name: SANDBOX_NAME,
  type: 'sandbox',
});

export interface LocalRedriveOptions {
  awsUrl: string;
  dynamodbUrl: string;
  /** The sandbox's function runner: functions are invoked in-process, as the stream pollers do. */
  invoker: Pick<FunctionInvoker, 'invoke'>;
  mappings: readonly EventSourceMappingSpec[];
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The local sandbox: the same SDK calls against the local SQS and DynamoDB Local. The on-failure
 * records name the stream as functions see it (`…/stream/local`); the table's real stream is read.
 */
export function localRedriveTarget(options: LocalRedriveOptions): RedriveTarget {
  const dynamodb = new DynamoDBClient({ endpoint: options.dynamodbUrl, region: LOCAL_REGION, credentials });
  const tableOf = (arn: string) => /:table\/([^/]+)/.exec(arn)?.[1] ?? '';
  const functionOf = (arn: string) => arn.split(':function:').at(-1)?.split(':')[0] ?? arn;
  return {
    sqs: new SQSClient({ endpoint: options.awsUrl, region: LOCAL_REGION, credentials }),
    streams: new DynamoDBStreamsClient({ endpoint: options.dynamodbUrl, region: LOCAL_REGION, credentials }),
    queueName: (base) => resourceName(LOCAL_DEPLOYMENT, base),
    streamArn: async (recordedArn) => {
      const table = await dynamodb.send(new DescribeTableCommand({ TableName: tableOf(recordedArn) }));
      const latest = table.Table?.LatestStreamArn;
      if (!latest) throw new Error(`table ${tableOf(recordedArn)} has no stream`);
      return latest;
    },
    filterPatterns: async (functionArn, streamArn) =>
      options.mappings
        .filter(
          (mapping) =>
            mapping.functionName === functionOf(functionArn) &&
            mapping.source.kind === 'dynamodb-stream' &&
            mapping.source.tableName === tableOf(streamArn),
        )
        .flatMap((mapping) => mapping.filterPatterns),
    invoke: async (functionArn, event): Promise<InvokeOutcome> => {
      const result = await options.invoker.invoke(functionOf(functionArn), event);
      if (!result.ok)
        return { ok: false, error: `${result.error?.errorType}: ${result.error?.errorMessage}` };
      return streamConsumerOutcome(result.result);
    },
  };
}
