import { parameterNotFound, type SsmService } from './ssm-service';
import { toWireParameter } from './wire';

export interface GetParameterRequest {
  Name: string;
  WithDecryption?: boolean;
}

export const getParameter =
  ({ ssm }: { ssm: SsmService }) =>
  async (request: GetParameterRequest) => {
    const parameter = ssm.get(request.Name ?? '');
    if (!parameter) throw parameterNotFound(request.Name);
    return { Parameter: toWireParameter(parameter, request.WithDecryption) };
  };
