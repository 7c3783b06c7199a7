/**
 * A Gen 1 Amplify CLI project as it sits in its repository (amplify/backend/…): the AppSync API's
 * schema (GraphQL transformer v2), the tables that schema makes, and the user pool's settings.
 * Formats: amplify-cli's backend-config.json / team-provider-info.json / amplify-meta.json, the
 * auth category's cli-inputs.json (`cognitoConfig`), amplify-category-api's v2 directives.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DirectiveNode,
  type FieldDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  type TypeNode,
  type ValueNode,
} from 'graphql';

export interface KeyElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

export interface Gen1Table {
  model: string;
  /** `<Model>-<AppSync api id>-<env>`. */
  tableName: string;
  keySchema: KeyElement[];
  /** Index name → key schema (Gen 1 indexes project ALL). */
  indexes: Record<string, KeyElement[]>;
}

export interface Gen1UserPool {
  resourceName: string;
  /** `phone_number`, `email`; empty: a plain username. */
  usernameAttributes: string[];
  aliasAttributes: string[];
  requiredAttributes: string[];
  /** `custom:…` attributes the pool or its app client knows. */
  customAttributes: string[];
  usernameCaseSensitive: boolean;
  mfaConfiguration: string;
  /** Cognito trigger names as Gen 1 lists them: DefineAuthChallenge, PreSignup, … */
  triggers: string[];
}

export interface Gen1Project {
  env: string;
  apiName: string;
  apiId: string;
  /** DataStore conflict detection (transform.conf.json ResolverConfig): items carry _version/_deleted/_lastChangedAt. */
  conflictDetection?: string;
  tables: Gen1Table[];
  userPool?: Gen1UserPool;
}

export class Gen1ProjectError extends Error {
  override name = 'Gen1ProjectError';
}

const readJson = (file: string): Record<string, unknown> => {
  if (!existsSync(file)) throw new Gen1ProjectError(`${file} is missing: is this a Gen 1 Amplify project?`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
};
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

export function readGen1Project(root: string, env: string, options: { apiId?: string } = {}): Gen1Project {
  const backend = join(root, 'amplify/backend');
  const config = readJson(join(backend, 'backend-config.json'));
  const teamProviderInfo = readJson(join(root, 'amplify/team-provider-info.json'));
  if (!(env in teamProviderInfo)) {
    throw new Gen1ProjectError(
      `Gen 1 env "${env}" is not in amplify/team-provider-info.json (it has: ${Object.keys(teamProviderInfo).join(', ')}).`,
    );
  }
  const apis = Object.entries(record(config.api)).filter(([, entry]) => record(entry).service === 'AppSync');
  if (apis.length !== 1)
    throw new Gen1ProjectError(`Expected one AppSync API in backend-config.json, found ${apis.length}.`);
  const apiName = apis[0]![0];
  const apiId = options.apiId ?? apiIdFromMeta(backend, apiName, env);
  const apiDir = join(backend, 'api', apiName);
  const transformConf = existsSync(join(apiDir, 'transform.conf.json'))
    ? readJson(join(apiDir, 'transform.conf.json'))
    : {};
  const conflictDetection = record(record(record(transformConf.ResolverConfig).project)).ConflictDetection;
  const auths = Object.entries(record(config.auth)).filter(
    ([, entry]) => record(entry).service === 'Cognito',
  );
  return {
    env,
    apiName,
    apiId,
    ...(typeof conflictDetection === 'string' ? { conflictDetection } : {}),
    tables: tablesOfSchema(readSchema(apiDir)).map((table) => ({
      ...table,
      tableName: `${table.model}-${apiId}-${env}`,
    })),
    ...(auths[0] ? { userPool: readUserPool(join(backend, 'auth', auths[0][0]), auths[0][0]) } : {}),
  };
}

/** The API id of this env: amplify-meta.json describes the env last pushed or pulled from this folder. */
function apiIdFromMeta(backend: string, apiName: string, env: string): string {
  const metaFile = join(backend, 'amplify-meta.json');
  if (!existsSync(metaFile)) {
    throw new Gen1ProjectError(
      'amplify/backend/amplify-meta.json is missing (it is not committed): run `amplify pull --envName ' +
        `${env}\` in the Gen 1 project, or give --api-id (AppSync console, or amplify-meta.json).`,
    );
  }
  const meta = readJson(metaFile);
  const stackName = String(record(record(meta.providers).awscloudformation).StackName ?? '');
  if (stackName && !stackName.includes(`-${env}-`)) {
    throw new Gen1ProjectError(
      `amplify-meta.json describes the stack ${stackName}, not env "${env}": run \`amplify env checkout ${env}\` or give --api-id.`,
    );
  }
  const apiId = record(record(record(meta.api)[apiName]).output).GraphQLAPIIdOutput;
  if (typeof apiId !== 'string')
    throw new Gen1ProjectError(`amplify-meta.json has no GraphQLAPIIdOutput for ${apiName}.`);
  return apiId;
}

/** schema.graphql, or the schema/ folder of several .graphql files. */
function readSchema(apiDir: string): string {
  const single = join(apiDir, 'schema.graphql');
  if (existsSync(single)) return readFileSync(single, 'utf8');
  const folder = join(apiDir, 'schema');
  if (existsSync(folder)) {
    return readdirSync(folder)
      .filter((file) => file.endsWith('.graphql'))
      .sort()
      .map((file) => readFileSync(join(folder, file), 'utf8'))
      .join('\n');
  }
  throw new Gen1ProjectError(`No schema.graphql or schema/ in ${apiDir}.`);
}

const directive = (node: { directives?: readonly DirectiveNode[] }, name: string) =>
  node.directives?.find((entry) => entry.name.value === name);

function argument(node: DirectiveNode | undefined, name: string): unknown {
  const value = node?.arguments?.find((entry) => entry.name.value === name)?.value;
  return value ? literal(value) : undefined;
}

function literal(value: ValueNode): unknown {
  switch (value.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return value.value;
    case Kind.BOOLEAN:
      return value.value;
    case Kind.LIST:
      return value.values.map(literal);
    case Kind.OBJECT:
      return Object.fromEntries(value.fields.map((field) => [field.name.value, literal(field.value)]));
    default:
      return undefined;
  }
}

/** The plural the transformer's `pluralize` gives model names (regular English nouns). */
export function pluralize(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const namedType = (type: TypeNode): string =>
  type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);

/** `[sort]` → `sort`, `[a, b]` → `a#b` (the transformer's composite sort key). */
function keyOf(hash: string, sortKeyFields: string[]): KeyElement[] {
  return [
    { AttributeName: hash, KeyType: 'HASH' },
    ...(sortKeyFields.length > 0
      ? [{ AttributeName: sortKeyFields.join('#'), KeyType: 'RANGE' as const }]
      : []),
  ];
}

/**
 * Each @model's table as the v2 transformer makes it: @primaryKey (else `id`), one GSI per
 * @index (named `<models>By<Field>And<Sort>` when unnamed), and for a @hasMany without
 * indexName/references the child's `gsi-<Parent>.<field>` on `<parent><Field>Id`.
 */
export function tablesOfSchema(sdl: string): Omit<Gen1Table, 'tableName'>[] {
  const models = parse(sdl).definitions.filter(
    (definition): definition is ObjectTypeDefinitionNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION && directive(definition, 'model') !== undefined,
  );
  const tables = new Map(
    models.map((model) => [
      model.name.value,
      { model: model.name.value, keySchema: keyOf('id', []), indexes: {} as Record<string, KeyElement[]> },
    ]),
  );
  for (const model of models) {
    const table = tables.get(model.name.value)!;
    for (const field of model.fields ?? []) {
      const primary = directive(field, 'primaryKey');
      if (primary)
        table.keySchema = keyOf(field.name.value, (argument(primary, 'sortKeyFields') as string[]) ?? []);
      for (const index of field.directives?.filter((entry) => entry.name.value === 'index') ?? []) {
        const sortKeyFields = (argument(index, 'sortKeyFields') as string[]) ?? [];
        const name =
          (argument(index, 'name') as string | undefined) ??
          `${lowerFirst(pluralize(model.name.value))}By${[field.name.value, ...sortKeyFields].map(upperFirst).join('And')}`;
        table.indexes[name] = keyOf(field.name.value, sortKeyFields);
      }
      hasManyIndex(model, field, tables);
    }
  }
  return [...tables.values()];
}

function hasManyIndex(
  parent: ObjectTypeDefinitionNode,
  field: FieldDefinitionNode,
  tables: Map<string, { indexes: Record<string, KeyElement[]> }>,
): void {
  const hasMany = directive(field, 'hasMany');
  if (!hasMany || argument(hasMany, 'indexName') || argument(hasMany, 'fields')) return;
  const child = tables.get(namedType(field.type));
  if (!child) return;
  const references = argument(hasMany, 'references') as string[] | undefined;
  const name = `gsi-${parent.name.value}.${field.name.value}`;
  child.indexes[name] = references
    ? keyOf(references[0]!, references.slice(1))
    : keyOf(`${lowerFirst(parent.name.value)}${upperFirst(field.name.value)}Id`, []);
}

function readUserPool(dir: string, resourceName: string): Gen1UserPool {
  const cognito = record(readJson(join(dir, 'cli-inputs.json')).cognitoConfig);
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  const clientAttributes = [
    ...list(cognito.userpoolClientReadAttributes),
    ...list(cognito.userpoolClientWriteAttributes),
  ];
  // Custom attributes are not cli-inputs settings: an override or the console adds them; the
  // built template (after `amplify build`/push) and the app client's attribute lists show them.
  const builtSchema = builtUserPoolSchema(dir);
  const customAttributes = [
    ...new Set([
      ...clientAttributes.filter((name) => name.startsWith('custom:')),
      ...builtSchema.filter((name) => name.startsWith('custom:')),
    ]),
  ].sort();
  const triggers = record(cognito.triggers);
  return {
    resourceName,
    usernameAttributes: list(cognito.usernameAttributes).map(normalizeAttribute),
    aliasAttributes: list(cognito.aliasAttributes).map(normalizeAttribute),
    requiredAttributes: list(cognito.requiredAttributes).map(normalizeAttribute).sort(),
    customAttributes,
    usernameCaseSensitive: cognito.usernameCaseSensitive === true,
    mfaConfiguration: String(cognito.mfaConfiguration ?? 'OFF').toUpperCase(),
    triggers: Object.keys(triggers).sort(),
  };
}

/** cli-inputs spells sign-in attributes `phone_number` or (older prompts) `PHONE_NUMBER`. */
const normalizeAttribute = (name: string) => name.toLowerCase();

function builtUserPoolSchema(dir: string): string[] {
  const build = join(dir, 'build');
  if (!existsSync(build)) return [];
  const names: string[] = [];
  for (const file of readdirSync(build).filter((entry) => entry.endsWith('cloudformation-template.json'))) {
    const template = readJson(join(build, file));
    for (const resource of Object.values(record(template.Resources))) {
      const entry = record(resource);
      if (entry.Type !== 'AWS::Cognito::UserPool') continue;
      for (const attribute of (record(entry.Properties).Schema as { Name?: string }[] | undefined) ?? []) {
        // A template names custom attributes without their `custom:` prefix.
        if (attribute.Name && !STANDARD_ATTRIBUTES.has(attribute.Name))
          names.push(`custom:${attribute.Name.replace(/^custom:/, '')}`);
      }
    }
  }
  return names;
}

const STANDARD_ATTRIBUTES = new Set([
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'sub',
  'updated_at',
  'website',
  'zoneinfo',
]);
