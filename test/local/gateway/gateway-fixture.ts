import { afterAll, beforeAll } from 'vitest';
import { type AwsGateway, startAwsGateway } from '../../../local/gateway/gateway';

/** Starts one gateway for the file and stops it afterwards; `gateway()` reads it inside tests. */
export function useGateway(): () => AwsGateway {
  let gateway: AwsGateway | undefined;
  beforeAll(async () => {
    gateway = await startAwsGateway({ port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
  });
  return () => {
    if (!gateway) throw new Error('the gateway has not started');
    return gateway;
  };
}

/** What every real SDK client in these tests is built with: only the endpoint points here. */
export function clientConfig(gateway: AwsGateway) {
  return {
    endpoint: gateway.url,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
}
