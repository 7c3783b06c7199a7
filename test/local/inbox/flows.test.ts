import { afterEach, describe, expect, it } from 'vitest';
import type { FlowMap } from '../../../local/assembly/flow-map';
import type { LiveFlows } from '../../../local/inbox/flows';
import { type Inbox, startInbox } from '../../../local/inbox/server';
import { SqsService } from '../../../local/sqs/sqs-service';
import { fakeSources } from './fake-sources';

/** A slice of a real map: a stream into message-push, which sends to push, whose DLQ is push-dlq. */
const MAP: FlowMap = {
  nodes: [
    { id: 'function:auth-verify-challenge', kind: 'function', label: 'auth-verify-challenge' },
    { id: 'function:message-push', kind: 'function', label: 'message-push' },
    { id: 'queue:push', kind: 'queue', label: 'push', physicalName: 'sandbox-local-push' },
    { id: 'queue:push-dlq', kind: 'queue', label: 'push-dlq', physicalName: 'sandbox-local-push-dlq' },
    { id: 'table:Message', kind: 'table', label: 'Message' },
  ],
  edges: [
    { from: 'function:message-push', to: 'queue:push', kind: 'sends' },
    { from: 'queue:push', to: 'queue:push-dlq', kind: 'redrive', label: 'after 5' },
    { from: 'table:Message', to: 'function:message-push', kind: 'stream', label: 'INSERT' },
  ],
  functions: [],
  streamSources: [],
  queueSources: [],
  queues: [],
  topics: [],
  subscriptions: [],
  schedules: [],
  operations: [],
  routes: [],
  triggers: [],
  tables: [],
};

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.stop();
  inbox = undefined;
});

describe('the live event-flow map (GET /api/flows, /flows)', () => {
  it('puts each function’s invocations and errors since start on the edges into it, and queue depths on the edges into queues', async () => {
    const sources = fakeSources();
    const sqs = new SqsService();
    sqs.createQueue('sandbox-local-push');
    sqs.createQueue('sandbox-local-push-dlq');
    sqs.send('sandbox-local-push-dlq', JSON.stringify({ pushId: 'p1' }));
    sqs.send('sandbox-local-push-dlq', JSON.stringify({ pushId: 'p2' }));
    sources.queues = { names: () => sqs.queueNames(), messages: (name) => sqs.listMessages(name) };
    sources.flows = () => MAP;
    await sources.functions.invoke('message-push', {});
    await sources.functions.invoke('message-push', {});
    await sources.functions.invoke('auth-verify-challenge', {});
    inbox = await startInbox({ port: 0, sources });

    const response = await fetch(`${inbox.url}/api/flows`);
    expect(response.status).toBe(200);
    const flows = (await response.json()) as LiveFlows;
    const edge = (from: string, to: string) => flows.edges.find((e) => e.from === from && e.to === to);
    expect(edge('table:Message', 'function:message-push')?.counts).toEqual({ invocations: 2, errors: 0 });
    expect(edge('queue:push', 'queue:push-dlq')?.depth).toBe(2);
    expect(edge('function:message-push', 'queue:push')?.depth).toBe(0);
    const verify = flows.nodes.find((node) => node.id === 'function:auth-verify-challenge');
    expect(verify?.counts).toEqual({ invocations: 1, errors: 1 });
  });

  it('answers 404 when the sandbox gave no map', async () => {
    inbox = await startInbox({ port: 0, sources: fakeSources() });
    const response = await fetch(`${inbox.url}/api/flows`);
    expect(response.status).toBe(404);
  });

  it('serves the Flows page with a policy that runs only its own script', async () => {
    inbox = await startInbox({ port: 0, sources: fakeSources() });
    const response = await fetch(`${inbox.url}/flows`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('/api/flows');
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[^']+'(;|$)/);
  });
});
