import type { AmplifyAppSyncSimulator } from '@aws-amplify/amplify-appsync-simulator';
import type { GraphQLFieldResolver } from 'graphql';
import type { LocalExecutionContext } from './execution-context';
import { matchesSubscriptionArguments, matchesSubscriptionFilter } from './subscription-filter';

/**
 * Every subscription field gets its own iterator over the published mutation results that
 * yields only what this subscriber may see: the subscription's arguments must match, and so
 * must every filter its resolver set with `$extensions.setSubscriptionFilter` (Gen 2's owner
 * filter). The simulator's own iterator filters nothing; it is disabled so nothing unfiltered
 * can slip through.
 */
export function installFilteredSubscriptions(simulator: AmplifyAppSyncSimulator): void {
  const subscriptionType = simulator.schema.getSubscriptionType();
  for (const field of Object.values(subscriptionType?.getFields() ?? {})) {
    const subscribe: GraphQLFieldResolver<unknown, LocalExecutionContext> = (_source, args, context) => {
      if (context.appsyncErrors.length) throw new Error('Subscription failed');
      const filters = context.subscriptionFilters ?? [];
      return onlyMatching(simulator.pubsub.asyncIterator(field.name), (payload) => {
        if (payload === null || payload === undefined) return false;
        return (
          matchesSubscriptionArguments(args, payload) &&
          filters.every((filter) => matchesSubscriptionFilter(filter, payload))
        );
      });
    };
    field.subscribe = subscribe;
  }
  simulator.asyncIterator = () => {
    throw new Error('Unfiltered subscriptions are disabled in the local AppSync');
  };
}

function onlyMatching<T>(source: AsyncIterator<T>, keep: (value: T) => boolean): AsyncIterableIterator<T> {
  const accept = (value: T) => {
    try {
      return keep(value);
    } catch {
      // A filter we cannot evaluate delivers nothing rather than everything.
      return false;
    }
  };
  return {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || accept(result.value)) return result;
      }
    },
    return() {
      return source.return ? source.return() : Promise.resolve({ value: undefined, done: true });
    },
    throw(error?: unknown) {
      return source.throw ? source.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
