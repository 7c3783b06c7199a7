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
  it('gives the unread counter and the push planner only new messages', () => {
    for (const prefix of ['MessageUnreadCounterStream', 'MessagePushStream']) {
      const properties = mappingOf(prefix);
      expect(properties.FilterCriteria).toEqual({
        Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }],
      });
      expect(JSON.stringify(properties.EventSourceArn)).toMatch(/Message(?!Member)/);
      expect(JSON.stringify(properties.EventSourceArn)).not.toContain('ConversationMember');
    }
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
