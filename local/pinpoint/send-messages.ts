import type { RequestContext, RestRequest } from '../gateway/protocols';
import type { MessageRequest, PushService } from './push-service';

/** `POST /v1/apps/{ApplicationId}/messages`; the response body is the MessageResponse itself. */
export const sendMessages =
  ({ push }: { push: PushService }) =>
  async (request: RestRequest<MessageRequest>, context: RequestContext) => {
    const applicationId = request.params.ApplicationId!;
    return {
      ApplicationId: applicationId,
      RequestId: context.requestId,
      Result: push.sendMessages(applicationId, request.body),
    };
  };
