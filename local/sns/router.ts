import type { QueryRouter } from '../gateway/protocols';
import { createTopic } from './create-topic';
import { listSubscriptionsByTopic } from './list-subscriptions-by-topic';
import { publish } from './publish';
import { publishBatch } from './publish-batch';
import type { SnsService } from './sns-service';
import { subscribe } from './subscribe';

/** SNS over awsQuery: form-encoded requests, XML responses. */
export function snsRouter(services: { sns: SnsService }): QueryRouter {
  return {
    protocol: 'query',
    xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
    operations: {
      CreateTopic: createTopic(services),
      Subscribe: subscribe(services),
      ListSubscriptionsByTopic: listSubscriptionsByTopic(services),
      Publish: publish(services),
      PublishBatch: publishBatch(services),
    },
  };
}
