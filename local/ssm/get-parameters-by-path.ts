import { AwsError } from '../gateway/protocols';
import type { SsmService } from './ssm-service';
import { toWireParameter } from './wire';

export interface GetParametersByPathRequest {
  Path: string;
  Recursive?: boolean;
  WithDecryption?: boolean;
  MaxResults?: number;
  NextToken?: string;
}

/** The token is the offset of the next page. */
function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0)
    throw new AwsError('InvalidNextToken', 'The specified token is not valid.');
  return offset;
}

export const getParametersByPath =
  ({ ssm }: { ssm: SsmService }) =>
  async (request: GetParametersByPathRequest) => {
    const maxResults = request.MaxResults ?? 10;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10) {
      throw new AwsError('ValidationException', 'MaxResults must be between 1 and 10.');
    }
    const all = ssm.getByPath(request.Path ?? '', { recursive: request.Recursive });
    const offset = decodeToken(request.NextToken);
    const next = offset + maxResults;
    return {
      Parameters: all
        .slice(offset, next)
        .map((parameter) => toWireParameter(parameter, request.WithDecryption)),
      NextToken: next < all.length ? Buffer.from(String(next)).toString('base64url') : undefined,
    };
  };
