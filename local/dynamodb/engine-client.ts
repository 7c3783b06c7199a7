import { LOCAL_REGION } from '../contracts';

/**
 * How the sandbox's own code (the AppSync simulator's data sources, the stream pollers, table
 * set-up) reaches DynamoDB Local. DynamoDB Local wants an Authorization header naming an access
 * key and never checks the signature, so these requests carry a fixed one instead of a SigV4
 * signature: measured with the SDK against DynamoDB Local here, signing was 0.32 ms of the
 * 0.79 ms of Node CPU a GetItem costs, paid on the sandbox's main thread for every resolver's
 * DynamoDB call and for every stream poll (32 a second when idle). Function code is untouched:
 * it is the deploy's, and signs as it would in Lambda (its DynamoDB calls reach DynamoDB Local
 * unchecked as these do; its AppSync and other AWS calls are checked by the sandbox).
 */
const AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=local/20260101/${LOCAL_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`;

export const LOCAL_ENGINE_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** An SDK v3 signer for DynamoDB Local: the header it needs, no signature computed. */
export const localEngineSigner = {
  async sign<T extends { headers: Record<string, string> }>(request: T): Promise<T> {
    request.headers.authorization = AUTHORIZATION;
    return request;
  },
};

/** A DynamoDB (or DynamoDB Streams) client's settings for DynamoDB Local at `endpoint`. */
export function localEngineClientConfig(endpoint: string) {
  return { endpoint, region: LOCAL_REGION, credentials: LOCAL_ENGINE_CREDENTIALS, signer: localEngineSigner };
}
