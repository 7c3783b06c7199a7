import { beforeAll, describe, expect, it } from 'vitest';
import { functionNamed, policyActionsOf, resourcesFor } from './function-policies';
import { type Synth, synth } from './synth';

// Every Legacy API write goes through the legacy-relay queue (docs/events.md): the stream reader
// only publishes and queues, and the relay parks what can never succeed in legacy-relay-dlq.

let sandbox: Synth;

beforeAll(async () => {
  sandbox = await synth('sandbox');
});

const variablesOf = (name: string) =>
  (functionNamed(sandbox, name).resource.Properties!.Environment as { Variables: Record<string, unknown> })
    .Variables;

describe('the durable Legacy path', () => {
  it('lets conversation-created publish chat events and queue commands on legacy-relay, and nothing of the Legacy API', () => {
    const actions = new Set(policyActionsOf(sandbox, 'conversation-created'));
    expect(actions).toContain('sns:Publish');
    expect(resourcesFor(sandbox, 'conversation-created', 'sns:Publish').join()).toMatch(/ChatEvents/i);
    const queues = resourcesFor(sandbox, 'conversation-created', 'sqs:SendMessage').join(' ');
    expect(queues).toMatch(/MessagingLegacyRelay(?!Dlq)\w*Arn/);
    expect(queues).toMatch(/StreamFailures/);
    const variables = variablesOf('conversation-created');
    expect(JSON.stringify(variables.CHAT_EVENTS_TOPIC_ARN)).toMatch(/ChatEvents/i);
    expect(JSON.stringify(variables.LEGACY_RELAY_QUEUE_URL)).toMatch(/LegacyRelay(?!Dlq)/);
    expect(JSON.stringify(variables.STREAM_FAILURES_QUEUE_URL)).toMatch(/StreamFailures/);
    // No service token: it cannot call the Legacy API (LEGACY_API_URL is a deployment setting every
    // function's base environment carries, not a credential).
    for (const secret of ['SERVICE_TOKEN_KEY', 'SERVICE_TOKEN_KID']) {
      expect(variables, secret).not.toHaveProperty(secret);
    }
    expect(variablesOf('legacy-event-relay')).toHaveProperty('SERVICE_TOKEN_KEY');
  });

  it('tells the relay its dead-letter queue and lets it send there, and to no other queue', () => {
    expect(JSON.stringify(variablesOf('legacy-event-relay').DEAD_LETTER_QUEUE_URL)).toMatch(/LegacyRelayDlq/);
    const sends = resourcesFor(sandbox, 'legacy-event-relay', 'sqs:SendMessage');
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatch(/LegacyRelayDlq/);
  });

  it("tells every queue consumer its own queue's dead-letter queue and lets it send there", () => {
    for (const [name, dlq] of [
      ['message-push', /MessageSentDlq/],
      ['push-sender', /PushDlq/],
      ['notice-broadcast', /NoticeDlq/],
      ['legacy-event-relay', /LegacyRelayDlq/],
    ] as const) {
      expect(JSON.stringify(variablesOf(name).DEAD_LETTER_QUEUE_URL), name).toMatch(dlq);
      expect(resourcesFor(sandbox, name, 'sqs:SendMessage').join(' '), name).toMatch(dlq);
    }
  });

  it('tells every stream consumer where to park a record: the stream-failures queue it may send to', () => {
    for (const name of [
      'message-legacy-sync',
      'message-unread-counter',
      'broker-matching',
      'user-delete-cascade',
    ]) {
      expect(JSON.stringify(variablesOf(name).STREAM_FAILURES_QUEUE_URL), name).toMatch(/StreamFailures/);
      expect(resourcesFor(sandbox, name, 'sqs:SendMessage').join(' '), name).toMatch(/StreamFailures/);
    }
  });
});
