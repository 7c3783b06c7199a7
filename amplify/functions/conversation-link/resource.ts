import { defineFunction, secret } from '@aws-amplify/backend';
import { currentDeployment } from '../../environment';
import { baseFunctionEnvironment } from '../../function-environment';
import { ENV } from '../shared/env-names';

const deployment = currentDeployment();

/** Chat's GraphQL entry points: conversations, messages, memberships, listing links and share links. */
export const conversationLink = defineFunction({
  name: 'conversation-link',
  entry: './handler.ts',
  timeoutSeconds: 10,
  memoryMB: 512,
  runtime: 22,
  resourceGroupName: 'data',
  environment: {
    ...baseFunctionEnvironment(deployment),
    [ENV.SHARE_LINK_BASE_URL]: deployment.shareLinkBaseUrl,
    [ENV.SHARE_LINK_SECRET]: secret('SHARE_LINK_SECRET'),
  },
});
