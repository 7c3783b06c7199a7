import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildSchema, type GraphQLSchema, Kind, parse, validate } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { getNotificationsQuery } from '../../amplify/functions/badge-sync/notification-store';
import { readSchemas } from '../../scripts/codegen';
import { synth } from './synth';

/**
 * Functions reach the API through the typed data client (shared/data-client.ts). The GraphQL
 * documents they still send as text (writes with a condition, which the model operations cannot
 * express, and the stores not converted yet) are checked here against the synthesized schema, and
 * none may be left out: every document named in the functions' sources must be among them.
 */

const REPO = join(import.meta.dirname, '../..');
const FUNCTIONS = join(REPO, 'amplify/functions');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// Handlers and resource definitions hold no documents; importing them would start clients.
const modules = sourcesUnder(FUNCTIONS).filter((file) => !/\/(handler|resource)\.ts$/.test(file));

function operationName(document: string): string {
  const definition = parse(document).definitions[0];
  return definition?.kind === Kind.OPERATION_DEFINITION ? (definition.name?.value ?? '') : '';
}

/** The documents built at run time, as their builders build them. */
function builtDocuments(): Record<string, string> {
  return {
    'badge-sync/notification-store.ts getNotificationsQuery(3)': getNotificationsQuery(3),
  };
}

let schema: GraphQLSchema;
const documents: Record<string, string> = {};

beforeAll(async () => {
  const { apiSchema } = readSchemas((await synth('sandbox')).dir);
  const appSync = readFileSync(
    join(REPO, 'node_modules/@aws-amplify/graphql-types-generator/awsAppSyncDirectives.graphql'),
    'utf8',
  );
  schema = buildSchema(`${apiSchema}\n${appSync}`);
  for (const file of modules) {
    const exports = (await import(file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value === 'string' && /^\s*(query|mutation)\s+[_A-Za-z]/.test(value)) {
        documents[`${relative(FUNCTIONS, file)} ${name}`] = value;
      }
    }
  }
  Object.assign(documents, builtDocuments());
}, 600_000);

describe('GraphQL documents the functions send as text', () => {
  it('are valid against the synthesized API schema', () => {
    expect(Object.keys(documents).length).toBeGreaterThan(0);
    const errors = Object.entries(documents).flatMap(([name, document]) =>
      validate(schema, parse(document)).map((error) => `${name}: ${error.message}`),
    );
    expect(errors).toEqual([]);
  });

  it('are all checked here: every document named in a function source is among them', () => {
    // By file: two files may name different documents alike (GetBrokerProfile).
    const checked = new Set(
      Object.entries(documents).map(([name, document]) => `${name.split(' ')[0]} ${operationName(document)}`),
    );
    const named = sourcesUnder(FUNCTIONS).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .flatMap((line) => [...line.matchAll(/[`'"]\s*(?:query|mutation)\s+([_A-Za-z]\w*)/g)])
        .map((match) => `${relative(FUNCTIONS, file)} ${match[1]}`),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((entry) => !checked.has(entry))).toEqual([]);
  });

  it('would catch a document that does not fit the schema', () => {
    expect(
      validate(schema, parse('mutation Bad { deleteDevice(input: { id: "d" }) { noSuchField } }')),
    ).not.toHaveLength(0);
  });
});
