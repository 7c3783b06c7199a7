import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CloudAssembly } from './assembly/cloud-assembly';
import type { BackendInventory } from './assembly/inventory';
import type { StartStep } from './start-step';

/**
 * amplify_outputs.json for the local sandbox, made by Amplify's own client-config code from
 * the synthesized stack outputs (resolved to local values), so it has exactly the shape
 * `ampx generate outputs` would write; then the local endpoints under custom.localSandbox.
 */

export interface LocalSandboxOutputs {
  userPoolEndpoint: string;
  inboxUrl: string;
  legacyApiUrl: string;
  caCertPath: string;
  graphqlRealtimeUrl: string;
  awsEndpointUrl: string;
  restApiUrl: string;
  dynamodbUrl: string;
}

type Json = Record<string, unknown>;

/** The unified backend output Amplify stores in stack metadata: `{ "AWS::Amplify::Auth": { version, payload } }`. */
function backendOutput(assembly: CloudAssembly, inventory: BackendInventory): Json {
  const metadata = (
    assembly.root.template as { Metadata?: Record<string, { version: string; stackOutputs: string[] }> }
  ).Metadata;
  const output: Json = {};
  for (const [key, entry] of Object.entries(metadata ?? {})) {
    if (!key.startsWith('AWS::Amplify::')) continue;
    const payload: Record<string, string> = {};
    for (const name of entry.stackOutputs) {
      if (inventory.outputs[name] !== undefined) payload[name] = inventory.outputs[name]!;
    }
    output[key] = { version: entry.version, payload };
  }
  return output;
}

function modelSchemaFile(assembly: CloudAssembly): string | undefined {
  for (const stack of assembly.stacks) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      if (resource.Type !== 'Custom::CDKBucketDeployment') continue;
      const hashes = JSON.stringify(resource.Properties?.SourceObjectKeys ?? []).match(/[0-9a-f]{64}/g) ?? [];
      for (const hash of hashes) {
        try {
          const candidate = join(assembly.assetPath(hash), 'model-schema.graphql');
          readFileSync(candidate);
          return candidate;
        } catch {
          // not the model schema bundle
        }
      }
    }
  }
  return undefined;
}

/**
 * The model introspection schema (what the data client reads from S3), generated from the
 * synthesized model schema. Kept beside the synth, so a warm start skips the generator (half a
 * second to load).
 */
export async function modelIntrospection(assembly: CloudAssembly): Promise<Json | undefined> {
  const schemaFile = modelSchemaFile(assembly);
  if (!schemaFile) return undefined;
  const cached = join(assembly.outdir, 'model-introspection.json');
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8'));
  const { generateModels } = await import('@aws-amplify/graphql-generator');
  const models = await generateModels({
    schema: readFileSync(schemaFile, 'utf8'),
    target: 'introspection',
    directives: '',
  });
  const introspection = Object.values(models)[0]!;
  writeFileSync(cached, introspection);
  return JSON.parse(introspection);
}

export async function buildAmplifyOutputs(
  assembly: CloudAssembly,
  inventory: BackendInventory,
  local: LocalSandboxOutputs,
): Promise<Json> {
  // The generator factory is not in the package's exports; load it by file, as the CLI does internally.
  const require = createRequire(import.meta.url);
  const libDir = dirname(require.resolve('@aws-amplify/client-config'));
  const { ClientConfigGeneratorFactory } = (await import(
    pathToFileURL(join(libDir, 'client_config_generator_factory.js')).href
  )) as {
    ClientConfigGeneratorFactory: new (
      fetch: () => Promise<Json>,
    ) => {
      getInstance(
        adapter: { getModelIntrospectionSchemaFromS3Uri(uri?: string): Promise<unknown> },
        version: string,
      ): { generateClientConfig(): Promise<Json> };
    };
  };
  // Amplify downloads the model schema from S3; locally it is a synthesized asset.
  const adapter = { getModelIntrospectionSchemaFromS3Uri: () => modelIntrospection(assembly) };
  const generator = new ClientConfigGeneratorFactory(async () =>
    backendOutput(assembly, inventory),
  ).getInstance(adapter, '1.5');
  const config = await generator.generateClientConfig();

  const auth = config.auth as Json | undefined;
  if (auth) {
    // There is no local identity pool: without these the client never calls cognito-identity.
    delete auth.identity_pool_id;
    delete auth.unauthenticated_identities_enabled;
  }
  const custom = (config.custom as Json | undefined) ?? {};
  // The REST API's URL is built by CloudFormation from its id; locally it is our own server.
  config.custom = { ...custom, restApiUrl: local.restApiUrl, localSandbox: local };
  return config;
}

export function writeAmplifyOutputs(path: string, outputs: Json): void {
  writeFileSync(path, `${JSON.stringify(outputs, null, 2)}\n`);
}

/** amplify_outputs.json, pointing the app at the local endpoints (custom.localSandbox). */
export async function writeSandboxOutputs(
  { options, endpoints, inventory, tls, progress }: StartStep,
  assembly: CloudAssembly,
) {
  const outputsPath = options.outputsPath ?? join(options.root, 'amplify_outputs.json');
  writeAmplifyOutputs(
    outputsPath,
    await buildAmplifyOutputs(assembly, inventory, {
      userPoolEndpoint: endpoints.userPoolEndpoint,
      inboxUrl: endpoints.inboxUrl,
      legacyApiUrl: endpoints.legacyApiUrl,
      caCertPath: tls.caCertPath,
      graphqlRealtimeUrl: endpoints.realtimeUrl,
      awsEndpointUrl: endpoints.awsUrl,
      restApiUrl: endpoints.restApiUrl,
      dynamodbUrl: endpoints.dynamodbUrl,
    }),
  );
  progress('outputs', outputsPath);
  return outputsPath;
}
