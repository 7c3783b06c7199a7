import type { SnsService } from './sns-service';

export interface CreateTopicRequest {
  Name: string;
  Attributes?: Record<string, string>;
}

export const createTopic =
  ({ sns }: { sns: SnsService }) =>
  async (request: CreateTopicRequest) => ({
    TopicArn: sns.createTopic(request.Name ?? '', { attributes: request.Attributes }),
  });
