import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { installVtlExtensions } from '../../../local/appsync/vtl-extensions';

/**
 * The sandbox replaces the simulator's value mapper, JavaMap.toJSON and createInfo with linear
 * versions (local/appsync/vtl-extensions.ts). They must give what the simulator's own give: the
 * originals run in a Node process of their own (this one has them replaced), on the same values.
 */

/** A mapped value as a plain description: its Java-like types and contents, all the way down. */
function describeValue(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  const type = (value as object).constructor?.name;
  if (Array.isArray(value)) return { type, items: value.map(describeValue) };
  const inner = (value as { map?: unknown }).map;
  if (inner instanceof Map) {
    return { type, entries: Array.from(inner.entries(), ([key, item]) => [key, describeValue(item)]) };
  }
  if ('value' in (value as object)) return { type, value: (value as { value: unknown }).value };
  return { type, plain: Object.entries(value as object).map(([key, item]) => [key, describeValue(item)]) };
}

const sample = {
  id: 'msg-1',
  count: 3,
  ratio: 2.5,
  negative: -7,
  flag: true,
  nothing: null,
  // A key the object spread keeps as an own property: it must not become a prototype.
  ['__proto__']: { sneaky: 1 },
  nested: { list: [1, 'two', { three: 3 }, [4.5]], empty: {}, none: [] },
  claims: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`claim${i}`, `value-${i}`])),
};
// As a request's JSON arrives (JSON.parse keeps "__proto__" an own key).
const withOwnProto = JSON.parse(JSON.stringify(sample));

function originals(values: unknown[]): { mapped: unknown[]; roundTrip: unknown[] } {
  const script = `
    const { createRequire } = require('node:module');
    const simulator = createRequire(require.resolve('@aws-amplify/amplify-appsync-simulator'));
    const { map } = simulator('./velocity/value-mapper/mapper.js');
    const { toJSON } = simulator('./velocity/value-mapper/to-json.js');
    const describeValue = ${describeValue.toString()};
    const values = JSON.parse(process.argv[1]);
    process.stdout.write(JSON.stringify({
      mapped: values.map((value) => describeValue(map(value))),
      roundTrip: values.map((value) => toJSON(map(value))),
    }));
  `;
  const result = spawnSync(process.execPath, ['-e', script, JSON.stringify(values)], {
    encoding: 'utf8',
    cwd: process.cwd(),
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

describe("the simulator's VTL values, made linearly", () => {
  installVtlExtensions();
  const simulator = createRequire(
    createRequire(import.meta.url).resolve('@aws-amplify/amplify-appsync-simulator'),
  );
  const { map } = simulator('./velocity/value-mapper/mapper.js') as {
    map(value: unknown): { toJSON(): unknown };
  };
  const { toJSON } = simulator('./velocity/value-mapper/to-json.js') as { toJSON(value: unknown): unknown };

  it('maps values to the same Java-like values, and back to the same JSON, as the simulator', () => {
    const values = [withOwnProto, [withOwnProto, 1, 'x'], 'text', 42, 4.2, null];
    const expected = originals(values);
    expect(values.map((value) => describeValue(map(value)))).toEqual(expected.mapped);
    const roundTrip = values.map((value) => toJSON(map(value)));
    expect(JSON.parse(JSON.stringify(roundTrip))).toEqual(expected.roundTrip);
    // An own "__proto__" key stays a key.
    expect(Object.getPrototypeOf(map(withOwnProto).toJSON())).toBe(Object.prototype);
    expect(Object.hasOwn(map(withOwnProto).toJSON() as object, '__proto__')).toBe(true);
  });

  it('describes a resolver’s info once per field resolution, as the simulator describes it', () => {
    const { createInfo } = simulator('./velocity/util/info.js') as { createInfo(info: unknown): unknown };
    const { parse } = simulator('graphql') as typeof import('graphql');
    const document = parse('query Q($id: ID!) { getMessage(id: $id) { id text sender { id } } }');
    const operation = document.definitions[0] as import('graphql').OperationDefinitionNode;
    const field = operation.selectionSet.selections[0] as import('graphql').FieldNode;
    const info = {
      fieldName: 'getMessage',
      fieldNodes: [field],
      fragments: {},
      variableValues: { id: 'm1' },
      parentType: { name: 'Query' },
      operation,
    };
    const first = createInfo(info);
    expect(createInfo(info)).toBe(first);
    expect(first).toMatchObject({
      fieldName: 'getMessage',
      parentTypeName: info.parentType,
      variables: { id: 'm1' },
      selectionSetList: ['id', 'text', 'sender', 'sender/id'],
    });
    // Another field resolution (another info object) is described afresh.
    expect(createInfo({ ...info, fieldName: 'other' })).toMatchObject({ fieldName: 'other' });
  });
});
