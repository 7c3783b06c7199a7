import { beforeAll, describe, expect, it } from 'vitest';
import { type Synth, synth } from './synth';

let sandbox: Synth;

beforeAll(async () => {
  sandbox = await synth('sandbox');
});

describe('stream bindings', () => {
  const allMappings = () => sandbox.resourcesOfType('AWS::Lambda::EventSourceMapping');
  // Stream sources have a starting position; queue sources do not.
  const mappings = () =>
    allMappings().filter(({ resource }) => resource.Properties!.StartingPosition !== undefined);

  it('never uses Lambda defaults: partial batches, bisect, at most 5 retries, an hour, a failure queue', () => {
    expect(mappings().length).toBeGreaterThan(0);
    for (const { resource } of mappings()) {
      expect(resource.Properties).toMatchObject({
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 3600,
        StartingPosition: 'LATEST',
      });
      const onFailure = (resource.Properties!.DestinationConfig as { OnFailure: { Destination: unknown } })
        .OnFailure;
      expect(JSON.stringify(onFailure.Destination)).toMatch(/StreamFailures|streamfailures|stream-failures/i);
    }
  });

  it('reads each shard with up to 4 concurrent batches, which keep each partition key in order', () => {
    for (const { logicalId, resource } of mappings()) {
      expect(resource.Properties!.ParallelizationFactor, logicalId).toBe(4);
    }
  });

  it('lets no table stream have more than two readers, as AWS advises per shard', () => {
    const readers = new Map<string, string[]>();
    for (const { stack, logicalId, resource } of mappings()) {
      // The same stream is referred to the same way within a stack (a nested-stack parameter or output).
      const stream = `${stack} ${JSON.stringify(resource.Properties!.EventSourceArn)}`;
      readers.set(stream, [...(readers.get(stream) ?? []), logicalId]);
    }
    expect(readers.size).toBeGreaterThan(1);
    const crowded = [...readers].filter(([, ids]) => ids.length > 2);
    expect(crowded).toEqual([]);
  });

  it('gives message-legacy-sync new and changed messages', () => {
    const mapping = mappings().find(({ logicalId }) => logicalId.startsWith('MessageLegacySyncStream'))!;
    expect(mapping.resource.Properties!.FilterCriteria).toEqual({
      Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'] }) }],
    });
  });

  it('lets the legacy relay report partial batch failures on its queue', () => {
    const queueMappings = allMappings().filter(
      ({ resource }) =>
        resource.Properties!.StartingPosition === undefined &&
        /LegacyRelay/.test(JSON.stringify(resource.Properties!.EventSourceArn)),
    );
    expect(queueMappings).toHaveLength(1);
    expect(queueMappings[0]!.resource.Properties).toMatchObject({
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('gives conversation-created new and changed conversations, for its facts', () => {
    const mapping = mappings().find(({ logicalId }) => logicalId.startsWith('ConversationCreatedStream'))!;
    expect(mapping).toBeDefined();
    expect(mapping.resource.Properties!.FilterCriteria).toEqual({
      Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'] }) }],
    });
    expect(JSON.stringify(mapping.resource.Properties!.EventSourceArn)).toContain('Conversation');
  });

  const mappingOf = (prefix: string) => {
    const mapping = mappings().find(({ logicalId }) => logicalId.startsWith(prefix));
    expect(mapping, prefix).toBeDefined();
    return mapping!.resource.Properties!;
  };
  it('gives the unread counter only new messages', () => {
    const properties = mappingOf('MessageUnreadCounterStream');
    expect(properties.FilterCriteria).toEqual({
      Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }],
    });
    expect(JSON.stringify(properties.EventSourceArn)).toMatch(/Message(?!Member)/);
    expect(JSON.stringify(properties.EventSourceArn)).not.toContain('ConversationMember');
  });

  it('feeds the push planner from its own queue, with partial batch failures, not from the Message stream', () => {
    const pushPlannerMappings = allMappings().filter(({ resource }) =>
      /MessagingMessageSent(?!Dlq)/.test(JSON.stringify(resource.Properties!.EventSourceArn)),
    );
    expect(pushPlannerMappings).toHaveLength(1);
    expect(pushPlannerMappings[0]!.resource.Properties).toMatchObject({
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(pushPlannerMappings[0]!.resource.Properties!.StartingPosition).toBeUndefined();
    expect(mappings().some(({ logicalId }) => logicalId.startsWith('MessagePushStream'))).toBe(false);
  });

  it('gives message-read-receipt only member changes that carry a read position', () => {
    const properties = mappingOf('MessageReadReceiptStream');
    expect(properties.FilterCriteria).toEqual({
      Filters: [
        {
          Pattern: JSON.stringify({
            eventName: ['MODIFY'],
            dynamodb: { NewImage: { lastReadAt: { S: [{ exists: true }] } } },
          }),
        },
      ],
    });
    expect(JSON.stringify(properties.EventSourceArn)).toContain('ConversationMember');
  });

  it('gives notification-fanout only new notifications', () => {
    const properties = mappingOf('NotificationFanoutStream');
    expect(properties.FilterCriteria).toEqual({
      Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }],
    });
    expect(JSON.stringify(properties.EventSourceArn)).toContain('Notification');
  });
});
