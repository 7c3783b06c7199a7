import type { Stack } from 'aws-cdk-lib';
import { type Deployment, ssmParameterName } from '../../environment';
import type { BackendFunction } from '../../function-wiring';
import { allowReadParameter } from '../../iam-grants';
import { SSM_PATHS } from '../shared/ssm-paths';

/** The blocked phone numbers, an SSM parameter support edits without a deploy. */
export function wireAuthPreSignUp(
  fn: BackendFunction,
  { authStack, deployment }: { authStack: Stack; deployment: Deployment },
): void {
  allowReadParameter(
    fn.resources.lambda,
    authStack,
    ssmParameterName(deployment, SSM_PATHS.blockedPhoneNumbers),
  );
}
