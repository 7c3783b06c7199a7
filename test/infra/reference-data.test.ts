import { beforeAll, describe, expect, it } from 'vitest';
import { functionNamed, policyActionsOf, resourcesFor, scheduleFor } from './function-policies';
import { type Synth, synth } from './synth';

// Reference data (issue 7): data-sync's schedule and grants, broker-matching's triggers, the
// crawler's schedule and source.

let sandbox: Synth;

beforeAll(async () => {
  sandbox = await synth('sandbox');
});

const actions = (name: string) => [...new Set(policyActionsOf(sandbox, name))].sort();

describe('data-sync', () => {
  it('runs every 15 minutes', () => {
    const schedule = scheduleFor(sandbox, 'data-sync');
    expect(schedule.ScheduleExpression).toBe('cron(0/15 * * * ? *)');
    expect(schedule.ScheduleExpressionTimezone).toBe('Asia/Seoul');
  });

  it('may only upsert and delete rows of the three reference tables, and keep its cursors', () => {
    expect(actions('data-sync')).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    const upserted = resourcesFor(sandbox, 'data-sync', 'dynamodb:UpdateItem').join(' ');
    for (const model of ['Complex', 'Listing', 'BrokerProfile'])
      expect(upserted).toContain(`Data${model}NestedStack`);
    expect(upserted).not.toMatch(/Data(Conversation|UserProfile|Message)/);
    expect(resourcesFor(sandbox, 'data-sync', 'dynamodb:PutItem').join(' ')).toMatch(/Idempotency/);
  });
});

describe('broker-matching', () => {
  const mappingsOf = (name: string) => {
    const fn = functionNamed(sandbox, name);
    return sandbox
      .resourcesOfType('AWS::Lambda::EventSourceMapping')
      .filter(({ resource }) => JSON.stringify(resource.Properties!.FunctionName).includes(fn.logicalId))
      .map(({ resource }) => resource.Properties!);
  };

  it('wakes for new inquiries without a broker and for brokers who became available, nothing else', () => {
    const filters = mappingsOf('broker-matching')
      .map((mapping) =>
        JSON.parse((mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]!.Pattern),
      )
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(filters).toEqual([
      {
        eventName: ['INSERT', 'MODIFY'],
        dynamodb: { NewImage: { active: { BOOL: [true] }, userId: { S: [{ exists: true }] } } },
      },
      {
        eventName: ['INSERT'],
        dynamodb: { NewImage: { kind: { S: ['LISTING_INQUIRY'] }, status: { S: ['WAITING_FOR_BROKER'] } } },
      },
    ]);
    for (const mapping of mappingsOf('broker-matching')) {
      expect(mapping).toMatchObject({ BisectBatchOnFunctionError: true, MaximumRetryAttempts: 5 });
    }
  });

  it('may scan brokers and count conversations by index, never read or write other tables directly', () => {
    const direct = actions('broker-matching').filter(
      (action) => action.startsWith('dynamodb:') && !/Stream|GetRecords|GetShardIterator/.test(action),
    );
    expect(direct).toEqual(['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem']);
    expect(resourcesFor(sandbox, 'broker-matching', 'dynamodb:Scan').join()).toContain('BrokerProfile');
    const queried = resourcesFor(sandbox, 'broker-matching', 'dynamodb:Query').join(' ');
    expect(queried).toContain('/index/conversationsByBrokerId');
    expect(queried).toContain('/index/conversationsByStatus');
    expect(resourcesFor(sandbox, 'broker-matching', 'appsync:GraphQL').join(' ')).toContain(
      '/types/Mutation/*',
    );
  });
});

describe('real-transaction-update (the crawler)', () => {
  it('runs every morning at 07:30 KST, before the 실거래 alerts at 09:10', () => {
    const schedule = scheduleFor(sandbox, 'real-transaction-update');
    expect(schedule.ScheduleExpression).toBe('cron(30 7 * * ? *)');
    expect(schedule.ScheduleExpressionTimezone).toBe('Asia/Seoul');
  });

  it('reads complexes by 시군구, keeps fingerprints and queues its saves on legacy-relay, nothing else', () => {
    expect(actions('real-transaction-update')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:Query',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(resourcesFor(sandbox, 'real-transaction-update', 'sqs:SendMessage').join()).toMatch(
      /MessagingLegacyRelay(?!Dlq)\w*Arn/,
    );
    expect(resourcesFor(sandbox, 'real-transaction-update', 'dynamodb:Query').join()).toContain(
      '/index/complexesByLawdCode',
    );
    expect(resourcesFor(sandbox, 'real-transaction-update', 'dynamodb:BatchWriteItem').join()).toMatch(
      /Idempotency/,
    );
  });

  it('reads data.go.kr in every deployment, with a key from a secret, four 시군구 outside prod', async () => {
    const environmentOf = (deployment: Synth) =>
      functionNamed(deployment, 'real-transaction-update').resource.Properties!.Environment as {
        Variables: Record<string, unknown>;
      };
    const prod = await synth('prod');
    for (const deployment of [sandbox, prod]) {
      const variables = environmentOf(deployment).Variables;
      expect(variables.PUBLIC_DATA_REAL_TRANSACTION_URL).toBe(
        'https://apis.data.go.kr/1613000/RTMSDataSvcAptTrade/getRTMSDataSvcAptTrade',
      );
      expect(JSON.stringify(variables)).not.toMatch(/serviceKey=/);
      expect(JSON.parse(String(variables.AMPLIFY_SSM_ENV_CONFIG))).toHaveProperty('PUBLIC_DATA_SERVICE_KEY');
    }
    expect(String(environmentOf(sandbox).Variables.REAL_TRANSACTION_LAWD_CODES).split(',')).toHaveLength(4);
    expect(String(environmentOf(prod).Variables.REAL_TRANSACTION_LAWD_CODES).split(',')).toHaveLength(26);
  });
});
