import { join } from 'node:path';
import type { LocalEndpoints } from '../contracts';
import { assertPortFree } from './free-port';

/** The sandbox's servers, on consecutive ports from the base (8700 by default). */
export const PORT_NAMES = ['inbox', 'graphql', 'cognito', 'aws', 'legacy', 'rest', 'dynamodb'] as const;
export type PortName = (typeof PORT_NAMES)[number];

export function sandboxPorts(basePort: number): Record<PortName, number> {
  return Object.fromEntries(PORT_NAMES.map((name, index) => [name, basePort + index])) as Record<
    PortName,
    number
  >;
}

/** Fails with the name of the first port that is taken. */
export async function assertSandboxPortsFree(basePort: number): Promise<void> {
  const ports = sandboxPorts(basePort);
  await Promise.all(PORT_NAMES.map((name) => assertPortFree(ports[name], name)));
}

export function dynamoDbOptions(options: { root: string; basePort: number; persist: boolean }) {
  return {
    port: sandboxPorts(options.basePort).dynamodb,
    ...(options.persist ? { dataDir: join(options.root, '.amplify/sandbox/data/dynamodb') } : {}),
  };
}

/** Where each local service listens, as the functions, the app and the tests reach it. */
export function localEndpoints(ports: ReturnType<typeof sandboxPorts>): LocalEndpoints {
  return {
    inboxUrl: `http://127.0.0.1:${ports.inbox}`,
    graphqlUrl: `https://127.0.0.1:${ports.graphql}/graphql`,
    realtimeUrl: `wss://127.0.0.1:${ports.graphql}/graphql/realtime`,
    userPoolEndpoint: `http://127.0.0.1:${ports.cognito}`,
    awsUrl: `http://127.0.0.1:${ports.aws}`,
    legacyApiUrl: `http://127.0.0.1:${ports.legacy}`,
    restApiUrl: `http://127.0.0.1:${ports.rest}`,
    dynamodbUrl: `http://127.0.0.1:${ports.dynamodb}`,
    sentryDsn: `http://public@127.0.0.1:${ports.aws}/1`,
  };
}
