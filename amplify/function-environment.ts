import { secret } from '@aws-amplify/backend';
import { currentDeployment, type Deployment, functionEnvironment } from './environment';
import { ENV } from './functions/shared/env-names';

/**
 * Kept apart from environment.ts, which the local sandbox and the scripts read at run time:
 * `secret()` comes from @aws-amplify/backend, which loads the whole CDK (2 s) with it.
 */

/**
 * What every function's `environment` starts with: the deployment's settings, the Sentry DSN
 * secret and the release. Amplify Hosting sets AWS_COMMIT_ID during a branch build.
 */
export function baseFunctionEnvironment(deployment: Deployment = currentDeployment()) {
  return {
    ...functionEnvironment(deployment),
    [ENV.RELEASE]: process.env.AWS_COMMIT_ID?.slice(0, 12) || 'local',
    [ENV.SENTRY_DSN]: secret('SENTRY_DSN'),
  };
}
