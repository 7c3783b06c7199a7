import { describe, expect, it } from 'vitest';
import { Shutdown } from '../../local/shutdown';

describe('the sandbox shutdown', () => {
  it('stops event sources, then functions, then servers, and engines last, whatever the order they were added in', async () => {
    const stopped: string[] = [];
    const shutdown = new Shutdown();
    shutdown.add('engines', () => void stopped.push('DynamoDB Local'));
    shutdown.add('servers', () => void stopped.push('GraphQL'));
    shutdown.add('functions', () => void stopped.push('workers'));
    shutdown.add('event sources', async () => {
      await Promise.resolve();
      stopped.push('stream poller');
    });
    shutdown.add('event sources', () => void stopped.push('queue poller'));
    await shutdown.run();
    expect(stopped.slice(0, 2).sort()).toEqual(['queue poller', 'stream poller']);
    expect(stopped.slice(2)).toEqual(['workers', 'GraphQL', 'DynamoDB Local']);
  });

  it('goes on to the engines when an event source never finishes its batch in flight', async () => {
    const stopped: string[] = [];
    const shutdown = new Shutdown({ boundsMs: { 'event sources': 20 } });
    shutdown.add('event sources', () => new Promise<void>(() => undefined));
    shutdown.add('engines', () => void stopped.push('DynamoDB Local'));
    await shutdown.run();
    expect(stopped).toEqual(['DynamoDB Local']);
  });

  it('stops each step once however often it is asked, and a failing step does not keep the others running', async () => {
    const stopped: string[] = [];
    const errors: unknown[] = [];
    const shutdown = new Shutdown({ onError: (error) => errors.push(error) });
    shutdown.add('servers', () => {
      throw new Error('already closed');
    });
    shutdown.add('engines', () => void stopped.push('DynamoDB Local'));
    await Promise.all([shutdown.run(), shutdown.run()]);
    expect(stopped).toEqual(['DynamoDB Local']);
    expect(errors).toHaveLength(1);
  });
});
