import type { FilterPolicyScope } from './filter-policy';
import type { SnsService } from './sns-service';

export interface SubscribeRequest {
  TopicArn: string;
  Protocol: string;
  Endpoint?: string;
  Attributes?: Record<string, string>;
}

export const subscribe =
  ({ sns }: { sns: SnsService }) =>
  async (request: SubscribeRequest) => {
    const attributes = request.Attributes ?? {};
    return {
      SubscriptionArn: sns.subscribe(request.TopicArn ?? '', request.Protocol ?? '', request.Endpoint ?? '', {
        rawMessageDelivery: attributes.RawMessageDelivery === 'true',
        filterPolicy: attributes.FilterPolicy,
        filterPolicyScope: attributes.FilterPolicyScope as FilterPolicyScope | undefined,
      }),
    };
  };
