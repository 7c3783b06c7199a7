import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildSchema, Kind, parse, validate } from 'graphql';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CodegenSchemas, generateClientCode, readSchemas } from '../../scripts/codegen';
import { synth } from './synth';

const REPO = join(import.meta.dirname, '../..');
// Under .amplify/ (git-ignored), so the repository's tsc and Biome never see it.
const WORK = join(REPO, '.amplify/test-codegen', String(process.pid));

let schemas: CodegenSchemas;

/** Models (`@model` types) and enums of the model schema. */
function modelsAndEnums(): string[] {
  return parse(schemas.modelSchema).definitions.flatMap((definition) => {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) return [definition.name.value];
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION &&
      definition.directives?.some((directive) => directive.name.value === 'model')
    ) {
      return [definition.name.value];
    }
    return [];
  });
}

function typeCheck(files: Record<string, string>): string[] {
  const dir = join(WORK, `tsc-${Object.keys(files).length}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents);
  const program = ts.createProgram(
    Object.keys(files).map((name) => join(dir, name)),
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      types: [],
    },
  );
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('npm run codegen (offline, from the synthesized schema)', () => {
  beforeAll(async () => {
    schemas = readSchemas((await synth('sandbox')).dir);
  });

  afterAll(() => rmSync(WORK, { recursive: true, force: true }));

  it('writes graphql statements that are valid against the API schema', async () => {
    const files = await generateClientCode(schemas, {
      format: 'graphql-codegen',
      statementTarget: 'graphql',
    });
    expect(Object.keys(files).sort()).toEqual([
      'mutations.graphql',
      'queries.graphql',
      'subscriptions.graphql',
    ]);
    // The schema as AppSync serves it: with its scalars and directives, as the generators add them.
    const appSync = readFileSync(
      join(REPO, 'node_modules/@aws-amplify/graphql-types-generator/awsAppSyncDirectives.graphql'),
      'utf8',
    );
    const schema = buildSchema(`${schemas.apiSchema}\n${appSync}`);
    for (const [name, text] of Object.entries(files)) {
      const errors = validate(schema, parse(text));
      expect(errors.map((error) => `${name}: ${error.message}`)).toEqual([]);
    }
    expect(files['mutations.graphql']).toContain('mutation SendMessage(');
    // The check itself catches a statement that does not fit the schema.
    expect(validate(schema, parse('query { noSuchField }'))).not.toHaveLength(0);
  });

  it('writes TypeScript statements and types (API.ts) that a small client type-checks against', async () => {
    const files = await generateClientCode(schemas, {
      format: 'graphql-codegen',
      statementTarget: 'typescript',
    });
    expect(Object.keys(files).sort()).toEqual(['API.ts', 'mutations.ts', 'queries.ts', 'subscriptions.ts']);
    const client = (id: string) => `
      import type { GetMessageQueryVariables, GetMessageQuery } from './API';
      import { getMessage } from './queries';
      import { sendMessage } from './mutations';
      const variables: GetMessageQueryVariables = { id: ${id} };
      const statement: string = getMessage;
      export function read(result: GetMessageQuery): string | undefined {
        return result.getMessage?.conversationId;
      }
      export { variables, statement, sendMessage };
    `;
    expect(typeCheck({ ...files, 'client.ts': client("'m-1'") })).toEqual([]);
    expect(typeCheck({ ...files, 'client.ts': client('1') }).join('\n')).toMatch(
      /not assignable to type 'string'/,
    );
  });

  it.each([
    ['swift', '.swift'],
    ['java', '.java'],
    ['dart', '.dart'],
  ] as const)('writes %s models for every model and enum', async (modelTarget, extension) => {
    const files = await generateClientCode(schemas, { format: 'modelgen', modelTarget });
    const names = new Set(Object.keys(files).map((file) => basename(file, extension)));
    const expected = modelsAndEnums();
    expect(expected).toContain('Message');
    expect(expected).toContain('MessageKind');
    for (const name of expected) expect(names, `${modelTarget}: ${name}`).toContain(name);
  });

  it('writes the model introspection schema the Gen 2 data client reads', async () => {
    const files = await generateClientCode(schemas, { format: 'introspection' });
    const introspection = JSON.parse(files['model-introspection.json']!) as {
      models: Record<string, unknown>;
    };
    expect(Object.keys(introspection.models)).toContain('Message');
  });
});
