import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type DefinitionNode, Kind, parse, print } from 'graphql';

/**
 * The Gen 1 resources a Gen 2 branch adopts instead of creating its own (docs/migration.md).
 *
 * `amplify/migration/gen1-resources.json` is keyed by Gen 2 branch (`sandbox` for sandboxes,
 * as @aws-amplify/backend-data looks it up): `{ "<branch>": { "tables": { "<Model>": "<table>" } } }`.
 * Empty means fresh resources everywhere. `npm run gen1:check -- … --write` fills it in.
 */
export interface Gen1Resources {
  [branch: string]: { tables: Record<string, string> };
}

export const GEN1_RESOURCES_FILE = join(import.meta.dirname, 'gen1-resources.json');

/** CDK context key naming another adoption file (tests and rehearsals: `-c gen1-resources-file=…`). */
export const GEN1_RESOURCES_CONTEXT_KEY = 'gen1-resources-file';

/** A Gen 1 table name: `<Model>-<AppSync api id>-<env>` (api ids are 26 lowercase letters/digits). */
const GEN1_TABLE_NAME = /^([A-Za-z][A-Za-z0-9_]*)-([a-z0-9]{26})-([A-Za-z0-9]+)$/;

export function parseGen1Resources(text: string, source: string): Gen1Resources {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(parsed)) throw new Error(`${source} must be an object keyed by Gen 2 branch name.`);
  const result: Gen1Resources = {};
  for (const [branch, entry] of Object.entries(parsed)) {
    if (!isRecord(entry) || !isRecord(entry.tables)) {
      throw new Error(`${source}: branch "${branch}" must be { "tables": { "<Model>": "<Gen 1 table>" } }.`);
    }
    const unknownKeys = Object.keys(entry).filter((key) => key !== 'tables');
    if (unknownKeys.length > 0)
      throw new Error(`${source}: branch "${branch}" has unknown keys ${unknownKeys}.`);
    const tables: Record<string, string> = {};
    for (const [model, tableName] of Object.entries(entry.tables)) {
      const match = typeof tableName === 'string' ? GEN1_TABLE_NAME.exec(tableName) : null;
      if (!match || match[1] !== model) {
        throw new Error(
          `${source}: branch "${branch}" maps ${model} to ${JSON.stringify(tableName)}, ` +
            `expected a Gen 1 table name "${model}-<AppSync api id>-<env>".`,
        );
      }
      tables[model] = tableName as string;
    }
    result[branch] = { tables };
  }
  return result;
}

/** The adoption file of this synth: the committed one, or the one the CDK context names. */
export function loadGen1Resources(context: Record<string, unknown> = {}): Gen1Resources {
  const override = context[GEN1_RESOURCES_CONTEXT_KEY];
  const file =
    typeof override === 'string'
      ? isAbsolute(override)
        ? override
        : resolve(process.cwd(), override)
      : GEN1_RESOURCES_FILE;
  return parseGen1Resources(readFileSync(file, 'utf8'), file);
}

/** What `defineData({ migratedAmplifyGen1DynamoDbTableMappings })` takes. */
export function gen1TableMappings(resources: Gen1Resources) {
  return Object.entries(resources)
    .filter(([, entry]) => Object.keys(entry.tables).length > 0)
    .map(([branchName, entry]) => ({ branchName, modelNameToTableNameMapping: { ...entry.tables } }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Gen 2 branch name @aws-amplify/backend-data looks the mapping up by (`sandbox` for sandboxes). */
export function adoptionBranchName(context: Record<string, unknown>): string | undefined {
  if (context['amplify-backend-type'] === 'sandbox') return 'sandbox';
  const name = context['amplify-backend-name'];
  return typeof name === 'string' ? name : undefined;
}

/** What this module reads of a typed schema: the GraphQL its `transform()` derives. */
interface TypedSchema {
  transform(): { schema: string };
  data: unknown;
}

/**
 * The schema to give `defineData` on a branch that adopts Gen 1 tables.
 *
 * @aws-amplify/backend-data imports tables only for models of string (GraphQL) schemas; a typed
 * `a.schema(…)` is passed over ("data schema not supported for import" in its convert_schema.js),
 * so the mapping alone would silently create fresh tables. This splits the typed schema's GraphQL
 * instead: each adopted model becomes a string schema (which backend-data imports by the mapping),
 * and the rest stays a typed schema that keeps what only typed schemas carry (function access
 * through `allow.resource`, custom handlers, function slots). Both are combined into one API.
 */
export function schemaAdoptingGen1Tables<S extends TypedSchema>(
  schema: S,
  adoptedModels: readonly string[],
): S {
  if (adoptedModels.length === 0) return schema;
  const transformed = schema.transform();
  const document = parse(transformed.schema);
  const isAdopted = (definition: DefinitionNode) =>
    definition.kind === 'ObjectTypeDefinition' && adoptedModels.includes(definition.name.value);
  for (const model of adoptedModels) {
    if (
      !document.definitions.some(
        (definition) => isAdopted(definition) && 'name' in definition && definition.name?.value === model,
      )
    ) {
      throw new Error(`The adoption file maps ${model}, which is not a model of this schema.`);
    }
  }
  const printed = (definitions: readonly DefinitionNode[]) => print({ kind: Kind.DOCUMENT, definitions });
  const rest: TypedSchema = {
    data: schema.data,
    transform: () => ({
      ...schema.transform(),
      schema: printed(document.definitions.filter((d) => !isAdopted(d))),
    }),
  };
  const combined = {
    // One string schema with every adopted model: backend-data looks each mapped model up in it.
    schemas: [rest, printed(document.definitions.filter(isAdopted))],
  };
  // backend-data's combined-schema shape (`{ schemas }`, as `a.combine` makes); its types allow
  // typed schemas only, its code also strings (convert_schema.js isCombinedSchema).
  return combined as unknown as S;
}
