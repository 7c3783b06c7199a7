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

  it('makes an array a JavaArray of the class’s own prototype, with its methods', () => {
    const { JavaArray } = simulator('./velocity/value-mapper/array.js') as {
      JavaArray: { prototype: object };
    };
    const first = map(['a', { b: 1 }]) as unknown as unknown[] & { add(v: unknown): unknown; size(): number };
    const second = map([1]) as unknown as unknown[];
    expect(Object.getPrototypeOf(first)).toBe(JavaArray.prototype);
    expect(Object.getPrototypeOf(second)).toBe(JavaArray.prototype);
    expect(first).toBeInstanceOf(JavaArray);
    expect(Array.isArray(first)).toBe(true);
    first.add({ c: [2] });
    expect(toJSON(first.size())).toBe(3);
    expect(toJSON(first)).toEqual(['a', { b: 1 }, { c: [2] }]);
  });

  describe('a template’s context', () => {
    const { VelocityTemplate } = simulator('./velocity/index.js') as {
      VelocityTemplate: { prototype: { buildRenderContext: BuildRenderContext } };
    };
    const build = (
      ctxValues: Record<string, unknown>,
      requestContext: Record<string, unknown>,
      info: unknown,
      defaultAuth = 'AMAZON_COGNITO_USER_POOLS',
    ) =>
      VelocityTemplate.prototype.buildRenderContext.call(
        {
          simulatorContext: {
            appSyncConfig: { defaultAuthenticationType: { authenticationType: defaultAuth } },
          },
        },
        ctxValues,
        requestContext,
        info,
      );
    const { parse } = simulator('graphql') as typeof import('graphql');
    const document = parse('query Q($id: ID!) { getMessage(id: $id) { id text sender { id } } }');
    const operation = document.definitions[0] as import('graphql').OperationDefinitionNode;
    const info = {
      fieldName: 'getMessage',
      fieldNodes: [operation.selectionSet.selections[0]],
      fragments: {},
      variableValues: { id: 'm1' },
      parentType: { name: 'Query' },
      path: { key: 'getMessage' },
      operation,
    };
    const jwt = {
      sub: 'user-1',
      iss: 'https://cognito',
      'cognito:username': 'user-1',
      'cognito:groups': ['BROKER'],
    };
    const userPool = {
      jwt,
      sourceIp: '127.0.0.1',
      requestAuthorizationMode: 'AMAZON_COGNITO_USER_POOLS',
      headers: { a: 'b' },
    };
    const iam = {
      sourceIp: '127.0.0.1',
      requestAuthorizationMode: 'AWS_IAM',
      headers: {},
      iamToken: {
        username: 'AROA:fn',
        userArn: 'arn:aws:sts::123456789012:assumed-role/r/fn',
        accountId: '123456789012',
      },
    };
    const values = {
      arguments: { input: { id: 'm1', tags: ['x'] } },
      source: { id: 's' },
      result: { items: [{ id: 'r' }] },
      stash: { step: 1 },
      prevResult: { id: 'prev' },
      error: { message: 'boom', extensions: { errorType: 'Custom' } },
    };
    const plain = (rendered: ReturnType<BuildRenderContext>) => {
      const context = rendered.context as unknown as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(context).map(([key, value]) => [
          key,
          JSON.parse(JSON.stringify(toJSON(value) ?? null)),
        ]),
      );
    };

    /** The simulator's own buildRenderContext, in a Node process where nothing is replaced. */
    function originalContexts(cases: [Record<string, unknown>, string][]) {
      const script = `
        const { createRequire } = require('node:module');
        const simulator = createRequire(require.resolve('@aws-amplify/amplify-appsync-simulator'));
        const { VelocityTemplate } = simulator('./velocity/index.js');
        const { toJSON } = simulator('./velocity/value-mapper/to-json.js');
        const { parse } = simulator('graphql');
        const [cases, values, query] = JSON.parse(process.argv[1]);
        const operation = parse(query).definitions[0];
        const info = { fieldName: 'getMessage', fieldNodes: [operation.selectionSet.selections[0]], fragments: {},
          variableValues: { id: 'm1' }, parentType: { name: 'Query' }, operation };
        process.stdout.write(JSON.stringify(cases.map(([requestContext, defaultAuth]) => {
          const rendered = VelocityTemplate.prototype.buildRenderContext.call(
            { simulatorContext: { appSyncConfig: { defaultAuthenticationType: { authenticationType: defaultAuth } } } },
            values, requestContext, info);
          return { context: Object.fromEntries(Object.entries(rendered.context).map(([k, v]) => [k, JSON.parse(JSON.stringify(toJSON(v) ?? null))])),
            utilKeys: Object.keys(rendered.util).sort() };
        })));
      `;
      const query = 'query Q($id: ID!) { getMessage(id: $id) { id text sender { id } } }';
      const result = spawnSync(process.execPath, ['-e', script, JSON.stringify([cases, values, query])], {
        encoding: 'utf8',
        cwd: process.cwd(),
      });
      if (result.status !== 0) throw new Error(result.stderr);
      return JSON.parse(result.stdout) as { context: Record<string, unknown>; utilKeys: string[] }[];
    }

    it('holds what the simulator’s holds, with the identity AppSync gives (groups, accountId)', () => {
      const cases: [Record<string, unknown>, string][] = [
        [userPool, 'AMAZON_COGNITO_USER_POOLS'],
        [userPool, 'AWS_IAM'],
        [iam, 'AMAZON_COGNITO_USER_POOLS'],
      ];
      const expected = originalContexts(cases);
      cases.forEach(([requestContext, defaultAuth], index) => {
        const rendered = build(values, { ...requestContext }, info, defaultAuth);
        const original = expected[index]!;
        const identity = original.context.identity as Record<string, unknown>;
        const extra = requestContext === iam ? { accountId: '123456789012' } : { groups: ['BROKER'] };
        expect(plain(rendered)).toEqual({ ...original.context, identity: { ...identity, ...extra } });
        const utilKeys: string[] = [];
        for (const key in rendered.util) utilKeys.push(key);
        expect(utilKeys.sort()).toEqual(original.utilKeys);
      });
    });

    it('gives each template its own $util errors, arguments and stash, the same request’s identity', () => {
      const requestContext = { ...userPool };
      const first = build(values, requestContext, info);
      const second = build({ ...values, stash: { step: 2 } }, requestContext, info);
      const util = first.util as { error(message: string): void; errors: unknown[] };
      expect(() => util.error('refused')).toThrow('refused');
      expect(util.errors).toHaveLength(1);
      expect((second.util as { errors: unknown[] }).errors).toEqual([]);
      expect(first.context.identity).toBe(second.context.identity);
      expect(first.context.args).not.toBe(second.context.args);
      expect(toJSON(second.context.stash)).toEqual({ step: 2 });
      // Another request (another context object) has an identity of its own.
      const other = build(values, { ...userPool, jwt: { ...jwt, sub: 'user-2' } }, info);
      expect((toJSON(other.context.identity) as { sub: string }).sub).toBe('user-2');
    });
  });
});

type BuildRenderContext = (
  this: unknown,
  ctxValues: unknown,
  requestContext: unknown,
  info: unknown,
) => {
  util: object;
  context: Record<string, unknown> & { identity: unknown; args: unknown; stash: unknown };
};
