import { join } from 'node:path';
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
