import type { JsonRouter } from '../gateway/protocols';
import { getParameter } from './get-parameter';
import { getParameters } from './get-parameters';
import { getParametersByPath } from './get-parameters-by-path';
import { putParameter } from './put-parameter';
import type { SsmService } from './ssm-service';

/** SSM Parameter Store over awsJson 1.1. */
export function ssmRouter(services: { ssm: SsmService }): JsonRouter {
  return {
    protocol: 'json',
    targetPrefix: 'AmazonSSM',
    operations: {
      GetParameter: getParameter(services),
      GetParameters: getParameters(services),
      GetParametersByPath: getParametersByPath(services),
      PutParameter: putParameter(services),
    },
  };
}
