import { createRequire } from 'node:module';
import { VelocityTemplate } from '@aws-amplify/amplify-appsync-simulator';
import { generateFilterExpression } from '@aws-amplify/amplify-appsync-simulator/lib/velocity/util/transform/dynamodb-filter.js';
import { transformUtils } from '@aws-amplify/amplify-appsync-simulator/lib/velocity/util/transform/index.js';
import { toJSON } from '@aws-amplify/amplify-appsync-simulator/lib/velocity/value-mapper/to-json.js';
import { LOCAL_ACCOUNT } from '../contracts';
import type { LocalExecutionContext } from './execution-context';

/**
 * What the simulator's VTL is missing for Gen 2 resolvers:
 * - `$extensions.setSubscriptionFilter(...)`, which Gen 2 subscription resolvers call with the
 *   owner filter; the filter is kept on the request context and applied to every event;
 * - `$util.transform.toSubscriptionFilter(...)`, returning the model filter as is (the
 *   evaluator in subscription-filter.ts reads that spelling);
 * - `$util.transform.toDynamoDBConditionExpression(...)` with its `expressionValues`: the
 *   simulator leaves them out, so any mutation `condition` comparing with a value (`lt`, `eq`, …)
 *   fails in DynamoDB with "An expression attribute value used in expression is not defined";
 * - the identity AppSync really gives: `groups` for user pools, `accountId` for IAM.
 * And what it does slowly (fastPaths): the same values, without the quadratic copies.
 * The simulator builds these in module-level code, so the patch is global and applied once.
 */

const PATCHED = Symbol.for('bootalk.local-appsync.vtl-extensions');

interface RenderContext {
  util: unknown;
  utils: unknown;
  context: { identity: { toJSON(): Record<string, unknown> } | null };
  ctx: unknown;
  extensions?: unknown;
}

type BuildRenderContext = (
  this: unknown,
  ctxValues: unknown,
  requestContext: LocalExecutionContext,
  info: unknown,
) => RenderContext;

type Mapper = (value: unknown, hint?: string) => unknown;

/** The simulator's own modules, as its code requires them (the exports objects its calls read). */
const simulatorRequire = createRequire(
  createRequire(import.meta.url).resolve('@aws-amplify/amplify-appsync-simulator'),
);
const velocity = (path: string) => simulatorRequire(`./velocity/${path}`) as Record<string, unknown>;
const mapper = velocity('value-mapper/mapper.js') as { map: Mapper };
/** A value as VTL sees it (the identity AppSync gives, in buildRenderContext below). */
const mapIdentity = (value: Record<string, unknown>) =>
  mapper.map(value) as RenderContext['context']['identity'];

/**
 * Every template render converts its whole context (arguments, identity with the JWT's claims,
 * stash, source, result, info) to the VTL's Java-like values and back. A CPU profile of the
 * sandbox's main thread in a 16-user chat run: building that context was 10.4 s of 82 s busy,
 * 4.7 s of it the value mapper, which copies an object once per key (`{...sum, [k]: v}`), and
 * JavaMap.toJSON likewise (2.2 s); the `info` printed again for each template of a resolver
 * (createInfo, 1.8 s). The same values, linearly: objects are built once, and a resolver's info
 * is described once per field resolution (the same `info` object for all its templates).
 */
function installFastPaths(): void {
  const { JavaMap, createMapProxy } = velocity('value-mapper/map.js') as {
    JavaMap: { new (obj: object, mapper: Mapper): object; prototype: { toJSON(): unknown } };
    createMapProxy(map: object): object;
  };
  const { JavaArray } = velocity('value-mapper/array.js') as {
    JavaArray: new (values: unknown[], mapper: Mapper) => unknown[];
  };
  const { isPlainObject } = simulatorRequire('lodash') as { isPlainObject(value: unknown): boolean };
  const original = mapper.map;
  const linear: Mapper = (value, hint) => {
    if (value instanceof JavaArray || value instanceof JavaMap) return value;
    if (Array.isArray(value))
      return new JavaArray(
        value.map((item) => linear(item)),
        linear,
      );
    if (isPlainObject(value)) {
      const entries = Object.entries(value as object).map(([key, item]) => [key, linear(item)]);
      return createMapProxy(new JavaMap(Object.fromEntries(entries), linear));
    }
    return original(value, hint);
  };
  mapper.map = linear;
  JavaMap.prototype.toJSON = function toJSONLinear(this: { map: Map<string, unknown> }) {
    return Object.fromEntries(Array.from(this.map.entries(), ([key, item]) => [key, toJSON(item)]));
  };

  const info = velocity('util/info.js') as { createInfo(info: unknown): unknown };
  const createInfo = info.createInfo;
  const described = new WeakMap<object, unknown>();
  info.createInfo = (resolveInfo: unknown) => {
    if (typeof resolveInfo !== 'object' || resolveInfo === null) return createInfo(resolveInfo);
    if (!described.has(resolveInfo)) described.set(resolveInfo, createInfo(resolveInfo));
    return described.get(resolveInfo);
  };
}

export function installVtlExtensions(): void {
  const prototype = VelocityTemplate.prototype as unknown as Record<string | symbol, unknown>;
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  installFastPaths();

  (transformUtils as Record<string, unknown>).toSubscriptionFilter = (filter: unknown) => toJSON(filter);
  (transformUtils as Record<string, unknown>).toDynamoDBConditionExpression = (condition: {
    toJSON(): unknown;
  }) => {
    const result = generateFilterExpression(condition.toJSON());
    const expression = result.expressions.join(' ').trim();
    // Only the values the expression uses (the simulator also makes some for attributeExists, which
    // it writes as a function), and none at all rather than an empty map: DynamoDB refuses both.
    const used = Object.entries((result.expressionValues ?? {}) as Record<string, unknown>).filter(([name]) =>
      new RegExp(`${name}(?![A-Za-z0-9_])`).test(expression),
    );
    return JSON.stringify({
      expression,
      expressionNames: result.expressionNames,
      ...(used.length > 0 ? { expressionValues: Object.fromEntries(used) } : {}),
    });
  };

  const original = prototype.buildRenderContext as BuildRenderContext;
  prototype.buildRenderContext = function buildRenderContext(
    this: unknown,
    ctxValues: unknown,
    requestContext: LocalExecutionContext,
    info: unknown,
  ): RenderContext {
    const rendered = original.call(this, ctxValues, requestContext, info);
    const identity = rendered.context.identity?.toJSON();
    if (identity && requestContext.requestAuthorizationMode === 'AMAZON_COGNITO_USER_POOLS') {
      const groups = requestContext.jwt?.['cognito:groups'];
      rendered.context.identity = mapIdentity({ ...identity, groups: Array.isArray(groups) ? groups : null });
    } else if (identity && requestContext.requestAuthorizationMode === 'AWS_IAM') {
      rendered.context.identity = mapIdentity({
        ...identity,
        accountId: requestContext.iamToken?.accountId ?? LOCAL_ACCOUNT,
      });
    }
    rendered.extensions = {
      setSubscriptionFilter(filter: unknown) {
        requestContext.subscriptionFilters = [...(requestContext.subscriptionFilters ?? []), toJSON(filter)];
        return '';
      },
      // Invalidation (unsubscribing others when a membership ends) is not emulated; accepted so templates render.
      setSubscriptionInvalidationFilter() {
        return '';
      },
      invalidateSubscriptions() {
        return '';
      },
    };
    return rendered;
  };
}
