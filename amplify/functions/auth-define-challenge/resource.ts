import { defineFunction } from '@aws-amplify/backend';
import { currentDeployment, functionEnvironment } from '../../environment';

export const authDefineChallenge = defineFunction({
  name: 'auth-define-challenge',
  entry: './handler.ts',
  // Cognito gives a trigger 5 seconds.
  timeoutSeconds: 5,
  memoryMB: 256,
  resourceGroupName: 'auth',
  environment: { ...functionEnvironment(currentDeployment()) },
});
