import { LOCAL_ACCOUNT } from '../contracts';
import type { SnsService } from './sns-service';

export interface ListSubscriptionsByTopicRequest {
  TopicArn: string;
  NextToken?: string;
}

export const listSubscriptionsByTopic =
  ({ sns }: { sns: SnsService }) =>
  async (request: ListSubscriptionsByTopicRequest) => ({
    Subscriptions: sns.subscriptions(request.TopicArn ?? '').map((subscription) => ({
      SubscriptionArn: subscription.subscriptionArn,
      Owner: LOCAL_ACCOUNT,
      Protocol: subscription.protocol,
      Endpoint: subscription.endpoint,
      TopicArn: subscription.topicArn,
    })),
  });
