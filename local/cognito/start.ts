import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { LocalLambda } from '../lambda/start';
import type { StartStep } from '../start-step';
import { type CognitoService, createCognitoService, startCognitoServer } from './server';

export interface LocalCognito {
  service: CognitoService;
  verifyIdToken(token: string): Promise<Record<string, unknown>>;
  /** An ID or access token, as AppSync's Cognito authorization accepts either. */
  verifyJwt(token: string): Promise<Record<string, unknown> & { sub: string; iss: string }>;
}

/** Auth: the Cognito-compatible endpoint, running the real trigger functions. */
export async function startCognito(
  { inventory, options, sandboxDir, ports, endpoints, progress, onStop }: StartStep,
  lambda: LocalLambda,
): Promise<LocalCognito> {
  if (!inventory.userPool) throw new Error('The synthesized backend has no user pool');
  const service = createCognitoService({
    config: inventory.userPool,
    invoker: lambda.runner,
    verifyIam: lambda.signedCallers.verify,
    ...(options.persist ? { persistDir: join(sandboxDir, 'data/cognito') } : {}),
    ...(options.gen1 ? { importUsers: options.gen1.users } : {}),
  });
  const server = await startCognitoServer({ service, port: ports.cognito });
  onStop(() => server.close());
  const jwks = createLocalJWKSet(service.jwks());
  const verifyIdToken = async (token: string) => {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: service.config.issuer,
      audience: service.config.clientId,
      algorithms: ['RS256'],
    });
    if (payload.token_use !== 'id') throw new Error('not an ID token');
    return payload as Record<string, unknown>;
  };
  const verifyJwt = async (token: string) =>
    (decodeJwt(token).token_use === 'id'
      ? verifyIdToken(token)
      : service.verifyAccessToken(token)) as Promise<Record<string, unknown> & { sub: string; iss: string }>;
  progress('auth', `Cognito-compatible endpoint at ${endpoints.userPoolEndpoint}`);
  return { service, verifyIdToken, verifyJwt };
}
