import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionSpec, LocalEndpoints } from '../contracts';
import type { AwsGateway } from '../gateway/gateway';
import { createSignedCallers, OPERATOR_CREDENTIALS_FILE, type SignedCallers } from '../iam/signed-callers';
import { createCaptureLog, type ObservableCaptureLog } from '../inbox/captures';
import type { LocalS3 } from '../s3/s3-server';
import type { StartStep } from '../start-step';
import { FunctionRunner, type InvocationRecord } from './runner/function-runner';

export interface LocalLambda {
  runner: FunctionRunner;
  signedCallers: SignedCallers;
  invocations: ObservableCaptureLog<InvocationRecord>;
  /** The functions as loaded now (hot reload replaces some). */
  current: FunctionSpec[];
  /** A synthesized function as the sandbox runs it (see localFunction). */
  toLocal(spec: FunctionSpec): FunctionSpec;
}

/** Lambda: each function in its own worker, reaching local endpoints through the SDK's env settings. */
export async function startFunctions(
  { sandboxDir, endpoints, inventory, tls, secrets, options, progress, onStop }: StartStep,
  gateway: AwsGateway,
  s3: LocalS3,
): Promise<LocalLambda> {
  const secretValues: Record<string, string> = { ...secrets.values, SENTRY_DSN: endpoints.sentryDsn };
  // Each function signs its AWS calls with its own key; the local services verify the signature.
  const signedCallers = createSignedCallers(inventory.functions, {
    operator: {
      accessKeyId: secrets.values.LOCAL_OPERATOR_ACCESS_KEY_ID!,
      secretAccessKey: secrets.values.LOCAL_OPERATOR_SECRET_ACCESS_KEY!,
    },
  });
  writeFileSync(
    join(sandboxDir, OPERATOR_CREDENTIALS_FILE),
    JSON.stringify(signedCallers.operatorCredentials()),
    { mode: 0o600 },
  );
  const toLocal = (spec: FunctionSpec) =>
    localFunction(spec, secretValues, endpoints, gateway.ssm.put.bind(gateway.ssm), signedCallers);
  const functions = inventory.functions.map(toLocal);

  const invocations = createCaptureLog<InvocationRecord>();
  const runner = new FunctionRunner({
    baseEnvironment: {
      AWS_ENDPOINT_URL: endpoints.awsUrl,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodbUrl,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodbUrl,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.userPoolEndpoint,
      AWS_ENDPOINT_URL_S3: s3.url,
      NODE_EXTRA_CA_CERTS: tls.caCertPath,
      PATH: process.env.PATH ?? '',
    },
    onInvocation: (record) => invocations.add(record),
    ...(options.onFunctionLog ? { onLog: options.onFunctionLog } : {}),
  });
  onStop(() => runner.stop(), 'functions');
  await runner.load(functions);
  progress('functions', `${functions.length} functions ready`);
  return { runner, signedCallers, invocations, current: functions, toLocal };
}

/**
 * A function as the sandbox runs it: its own access key (so the API sees which function's role
 * calls it), and its Amplify secrets put into the local SSM where Amplify's loader looks.
 */
function localFunction(
  spec: FunctionSpec,
  secrets: Record<string, string>,
  endpoints: LocalEndpoints,
  putParameter: (
    name: string,
    value: string,
    options: { type: 'SecureString'; overwrite: boolean },
  ) => unknown,
  signedCallers: SignedCallers,
): FunctionSpec {
  const ssmConfig = JSON.parse(spec.environment.AMPLIFY_SSM_ENV_CONFIG ?? '{}') as Record<
    string,
    { path: string; sharedPath?: string }
  >;
  for (const [name, paths] of Object.entries(ssmConfig)) {
    const value = secrets[name];
    if (value !== undefined) putParameter(paths.path, value, { type: 'SecureString', overwrite: true });
  }
  return {
    ...spec,
    environment: {
      ...spec.environment,
      // The deployment's Legacy API is the local stand-in, and so is data.go.kr's 실거래 API.
      LEGACY_API_URL: endpoints.legacyApiUrl,
      ...(spec.environment.PUBLIC_DATA_REAL_TRANSACTION_URL
        ? { PUBLIC_DATA_REAL_TRANSACTION_URL: `${endpoints.legacyApiUrl}/v1/public-data/real-transactions` }
        : {}),
      ...signedCallers.credentialsFor(spec.name),
    },
  };
}
