import { AwsError } from '../gateway/protocols';
import type { SsmService } from './ssm-service';
import { toWireParameter } from './wire';

export interface GetParametersRequest {
  Names: string[];
  WithDecryption?: boolean;
}

export const getParameters =
  ({ ssm }: { ssm: SsmService }) =>
  async (request: GetParametersRequest) => {
    const names = request.Names ?? [];
    if (names.length === 0 || names.length > 10) {
      throw new AwsError('ValidationException', 'Names must hold between 1 and 10 parameter names.');
    }
    const found = names.flatMap((name) => ssm.get(name) ?? []);
    return {
      Parameters: found.map((parameter) => toWireParameter(parameter, request.WithDecryption)),
      InvalidParameters: names.filter((name) => !ssm.get(name)),
    };
  };
