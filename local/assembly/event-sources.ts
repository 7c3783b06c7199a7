import type { EventSourceMappingSpec } from '../contracts';
import { queueNameOfArn, type Templates } from './templates';

export interface ScheduleSpec {
  name: string;
  functionName: string;
  /** `cron(0 9 ? * 2 *)` or `rate(5 minutes)`. */
  expression: string;
  timezone: string;
}

/** Lambda's event source mappings: DynamoDB streams and SQS queues. */
export function readEventSourceMappings(t: Templates): EventSourceMappingSpec[] {
  return t.ofType('AWS::Lambda::EventSourceMapping').map((located) => {
    const p = t.props(located);
    const sourceArn = String(p.EventSourceArn);
    const onFailure = (p.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure
      ?.Destination;
    return {
      functionName: t.functionNameOf(p.FunctionName),
      source: sourceArn.includes(':dynamodb:')
        ? {
            kind: 'dynamodb-stream' as const,
            tableName: sourceArn.split(':table/')[1]!.split('/stream/')[0]!,
          }
        : { kind: 'sqs' as const, queueName: queueNameOfArn(sourceArn) },
      batchSize: Number(p.BatchSize ?? (sourceArn.includes(':sqs:') ? 10 : 100)),
      ...(p.MaximumBatchingWindowInSeconds !== undefined
        ? { maximumBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds) }
        : {}),
      filterPatterns: (
        (p.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []
      ).map((filter) => filter.Pattern),
      reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes(
        'ReportBatchItemFailures',
      ),
      bisectBatchOnFunctionError: p.BisectBatchOnFunctionError === true,
      maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? -1),
      maximumRecordAgeInSeconds: Number(p.MaximumRecordAgeInSeconds ?? -1),
      ...(onFailure ? { onFailureQueueName: queueNameOfArn(onFailure) } : {}),
      ...(p.StartingPosition ? { startingPosition: p.StartingPosition as 'LATEST' | 'TRIM_HORIZON' } : {}),
    };
  });
}

/** EventBridge Scheduler: the functions' schedules. */
export function readSchedules(t: Templates): ScheduleSpec[] {
  return t.ofType('AWS::Scheduler::Schedule').map((located) => {
    const p = t.props(located);
    return {
      name: String(t.resolver.ref(located.stack, located.logicalId)),
      functionName: t.functionNameOf((p.Target as { Arn: string }).Arn),
      expression: String(p.ScheduleExpression),
      timezone: String(p.ScheduleExpressionTimezone ?? 'UTC'),
    };
  });
}
