/**
 * `npm run codegen`: GraphQL client code without AWS, from the synthesized schema, with the flags
 * and output layout of `npx ampx generate graphql-client-code` (same generator packages):
 *
 *   npm run codegen -- --format graphql-codegen --statement-target typescript [--type-target …] --out src/graphql
 *   npm run codegen -- --format modelgen --model-target swift|java|dart|typescript|javascript --out …
 *   npm run codegen -- --format introspection --out …
 *
 * ampx reads the deployed API's schema (statements, types) and the model schema (modelgen,
 * introspection); offline, both come from the cloud assembly of a synth without bundling.
 * `--assembly <dir>` uses an existing synth instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateModels, generateStatements, generateTypes } from '@aws-amplify/graphql-generator';
import { parse } from 'graphql';
import { assetHashOf, loadCloudAssembly } from '../local/assembly/cloud-assembly';
import { synthContext } from './synth-context';

export const STATEMENT_TARGETS = ['javascript', 'graphql', 'flow', 'typescript', 'angular'] as const;
export const TYPE_TARGETS = [
  'json',
  'swift',
  'typescript',
  'flow',
  'scala',
  'flow-modern',
  'angular',
] as const;
export const MODEL_TARGETS = ['java', 'swift', 'javascript', 'typescript', 'dart'] as const;
export const FORMATS = ['graphql-codegen', 'modelgen', 'introspection'] as const;

type StatementTarget = (typeof STATEMENT_TARGETS)[number];
type TypeTarget = (typeof TYPE_TARGETS)[number];
type ModelTarget = (typeof MODEL_TARGETS)[number];

/** ampx's default type target for each statement target. */
const DEFAULT_TYPE_TARGET: Record<StatementTarget, TypeTarget | undefined> = {
  javascript: undefined,
  typescript: 'typescript',
  graphql: undefined,
  flow: 'flow',
  angular: 'angular',
};

/** ampx's own file name for a type target written beside TypeScript statements (`API.ts`). */
const TYPES_FILE_FOR_TYPESCRIPT = 'API';

export interface CodegenSchemas {
  /** The API's schema as AppSync serves it (statements and types are generated from it). */
  apiSchema: string;
  /** The model schema with its directives (`model-schema.graphql`: modelgen and introspection). */
  modelSchema: string;
}

const REPO = resolve(import.meta.dirname, '..');

// The generators are CommonJS and check `instanceof Source`: hand them graphql's CommonJS build,
// not the ES module build an ESM loader (vitest) may pick.
const { Source } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** The two schemas from a cloud assembly. */
export function readSchemas(assemblyDir: string): CodegenSchemas {
  const assembly = loadCloudAssembly(assemblyDir);
  let apiSchema: string | undefined;
  for (const stack of assembly.stacks) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::AppSync::GraphQLSchema') continue;
      const definition = resource.Properties?.Definition;
      if (typeof definition === 'string') apiSchema = definition;
      else {
        const hash = assetHashOf(JSON.stringify(resource.Properties?.DefinitionS3Location ?? ''));
        if (hash) apiSchema = readFileSync(assembly.assetPath(hash), 'utf8');
      }
    }
  }
  if (!apiSchema) throw new Error(`No AppSync schema in ${assemblyDir}`);
  // The model schema is the file Amplify uploads for `amplifyApiModelSchemaS3Uri`.
  const modelSchemaFile = readdirSync(assemblyDir)
    .filter((entry) => entry.startsWith('asset.'))
    .map((entry) => join(assemblyDir, entry, 'model-schema.graphql'))
    .find((file) => existsSync(file));
  if (!modelSchemaFile) throw new Error(`No model-schema.graphql asset in ${assemblyDir}`);
  return { apiSchema, modelSchema: readFileSync(modelSchemaFile, 'utf8') };
}

function isEmptyDocument(document: string): boolean {
  try {
    parse(document);
    return false;
  } catch {
    return (
      document
        .split('\n')
        .map((line) => line.replace(/#.*$/, ''))
        .join('\n')
        .trim().length === 0
    );
  }
}

export type CodegenOptions =
  | {
      format: 'graphql-codegen';
      statementTarget?: StatementTarget;
      typeTarget?: TypeTarget;
      maxDepth?: number;
      typenameIntrospection?: boolean;
      multipleSwiftFiles?: boolean;
    }
  | {
      format: 'modelgen';
      modelTarget?: ModelTarget;
      generateIndexRules?: boolean;
      emitAuthProvider?: boolean;
      respectPrimaryKeyAttributesOnConnectionField?: boolean;
      generateModelsForLazyLoadAndCustomSelectionSet?: boolean;
      addTimestampFields?: boolean;
      handleListNullabilityTransparently?: boolean;
    }
  | { format: 'introspection' };

/** File name (relative to --out) → contents, as ampx's generators produce them. */
export async function generateClientCode(
  schemas: CodegenSchemas,
  options: CodegenOptions,
): Promise<Record<string, string>> {
  if (options.format === 'graphql-codegen') {
    const statementTarget = options.statementTarget ?? 'typescript';
    const typeTarget = options.typeTarget ?? DEFAULT_TYPE_TARGET[statementTarget];
    const statements = generateStatements({
      schema: schemas.apiSchema,
      target: statementTarget,
      ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
      ...(options.typenameIntrospection !== undefined
        ? { typenameIntrospection: options.typenameIntrospection }
        : {}),
      ...(statementTarget === 'typescript' && typeTarget === 'typescript'
        ? { relativeTypesPath: `./${TYPES_FILE_FOR_TYPESCRIPT}` }
        : {}),
    });
    const files = Object.fromEntries(Object.entries(statements).filter(([, text]) => !isEmptyDocument(text)));
    if (!typeTarget) return files;
    const queries = Object.entries(
      generateStatements({
        schema: schemas.apiSchema,
        target: 'graphql',
        ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
        ...(options.typenameIntrospection !== undefined
          ? { typenameIntrospection: options.typenameIntrospection }
          : {}),
      }),
    )
      .filter(([, text]) => !isEmptyDocument(text))
      .map(([name, text]) => new Source(text, name));
    const types = await generateTypes({
      schema: schemas.apiSchema,
      target: typeTarget,
      queries,
      ...(options.multipleSwiftFiles !== undefined ? { multipleSwiftFiles: options.multipleSwiftFiles } : {}),
    });
    return { ...files, ...types };
  }
  if (options.format === 'modelgen') {
    const { format: _format, modelTarget, ...flags } = options;
    return generateModels({ schema: schemas.modelSchema, target: modelTarget ?? 'typescript', ...flags });
  }
  return generateModels({ schema: schemas.modelSchema, target: 'introspection' });
}

export function writeFiles(outDir: string, files: Record<string, string>): string[] {
  return Object.entries(files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, contents]) => {
      const path = resolve(outDir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, contents);
      return relative(process.cwd(), path);
    });
}

/** A synth without bundling (seconds, not minutes) into .amplify/codegen/assembly. */
export function synthesizeForCodegen(): string {
  const outdir = join(REPO, '.amplify/codegen/assembly');
  rmSync(outdir, { recursive: true, force: true });
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'amplify/backend.ts'], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: {
      ...process.env,
      AMPLIFY_DISABLE_TELEMETRY: '1',
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify(synthContext({ type: 'sandbox', name: 'codegen' }, { bundle: false })),
    },
  });
  if (result.status !== 0) throw new Error(`The backend did not synthesize:\n${result.stderr}`);
  return outdir;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      'statement-target': { type: 'string' },
      'type-target': { type: 'string' },
      'model-target': { type: 'string' },
      'statement-max-depth': { type: 'string' },
      'statement-typename-introspection': { type: 'boolean' },
      'type-multiple-swift-files': { type: 'boolean' },
      'model-generate-index-rules': { type: 'boolean' },
      'model-emit-auth-provider': { type: 'boolean' },
      'model-respect-primary-key-attributes-on-connection-field': { type: 'boolean' },
      'model-generate-models-for-lazy-load-and-custom-selection-set': { type: 'boolean' },
      'model-add-timestamp-fields': { type: 'boolean' },
      'model-handle-list-nullability-transparently': { type: 'boolean' },
      assembly: { type: 'string' },
    },
  });
  const format = oneOf('format', values.format, FORMATS) ?? 'graphql-codegen';
  const defined = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  const options: CodegenOptions =
    format === 'graphql-codegen'
      ? {
          format,
          ...defined(
            'statementTarget',
            oneOf('statement-target', values['statement-target'], STATEMENT_TARGETS),
          ),
          ...defined('typeTarget', oneOf('type-target', values['type-target'], TYPE_TARGETS)),
          ...defined(
            'maxDepth',
            values['statement-max-depth'] === undefined ? undefined : Number(values['statement-max-depth']),
          ),
          ...defined('typenameIntrospection', values['statement-typename-introspection']),
          ...defined('multipleSwiftFiles', values['type-multiple-swift-files']),
        }
      : format === 'modelgen'
        ? {
            format,
            ...defined('modelTarget', oneOf('model-target', values['model-target'], MODEL_TARGETS)),
            ...defined('generateIndexRules', values['model-generate-index-rules']),
            ...defined('emitAuthProvider', values['model-emit-auth-provider']),
            ...defined(
              'respectPrimaryKeyAttributesOnConnectionField',
              values['model-respect-primary-key-attributes-on-connection-field'],
            ),
            ...defined(
              'generateModelsForLazyLoadAndCustomSelectionSet',
              values['model-generate-models-for-lazy-load-and-custom-selection-set'],
            ),
            ...defined('addTimestampFields', values['model-add-timestamp-fields']),
            ...defined(
              'handleListNullabilityTransparently',
              values['model-handle-list-nullability-transparently'],
            ),
          }
        : { format };
  const assembly = values.assembly ? resolve(values.assembly) : synthesizeForCodegen();
  const files = await generateClientCode(readSchemas(assembly), options);
  // As ampx: --out is relative to the working directory, which is the default.
  const out = values.out ? (isAbsolute(values.out) ? values.out : resolve(values.out)) : process.cwd();
  for (const written of writeFiles(out, files)) console.log(written);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
