import type { ParameterType, SsmService } from './ssm-service';

export interface PutParameterRequest {
  Name: string;
  Value: string;
  Type?: ParameterType;
  Overwrite?: boolean;
  Description?: string;
}

export const putParameter =
  ({ ssm }: { ssm: SsmService }) =>
  async (request: PutParameterRequest) => ({
    Version: ssm.put(request.Name ?? '', request.Value, {
      type: request.Type,
      overwrite: request.Overwrite ?? false,
      description: request.Description,
    }),
    Tier: 'Standard',
  });
