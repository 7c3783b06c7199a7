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
  util: object;
  utils: object;
  context: VtlContext;
  ctx: VtlContext;
  extensions?: unknown;
}

interface VtlContext {
  arguments: unknown;
  args: unknown;
  info: unknown;
  request: { headers: LocalExecutionContext['headers'] };
  identity: unknown;
  stash: unknown;
  source: unknown;
  result: unknown;
  error: unknown;
  prev?: unknown;
}

/** What a resolver gives a template to render (the simulator's `ctxValues`). */
interface CtxValues {
  source?: unknown;
  arguments?: unknown;
  result?: unknown;
  stash?: unknown;
  prevResult?: unknown;
  error?:
    | (Record<string, unknown> & { type?: string; message?: string; extensions?: { errorType?: string } })
    | null;
}

interface SimulatorContext {
  appSyncConfig: { defaultAuthenticationType: { authenticationType: string } };
}

type Mapper = (value: unknown, hint?: string) => unknown;

/** The simulator's own modules, as its code requires them (the exports objects its calls read). */
const simulatorRequire = createRequire(
  createRequire(import.meta.url).resolve('@aws-amplify/amplify-appsync-simulator'),
);
const velocity = (path: string) => simulatorRequire(`./velocity/${path}`) as Record<string, unknown>;
const mapper = velocity('value-mapper/mapper.js') as { map: Mapper };
type CreateUtil = (errors: unknown[], now: Date, info: unknown, context: LocalExecutionContext) => object;
const createUtil = (velocity('util/index.js') as { create: CreateUtil }).create;
const createInfo = (velocity('util/info.js') as { createInfo(info: unknown): unknown }).createInfo;

/**
 * Every template render converts its whole context (arguments, identity with the JWT's claims,
 * stash, source, result, info) to the VTL's Java-like values and back. A CPU profile of the
 * sandbox's main thread in a 16-user chat run: building that context was 10.4 s of 82 s busy,
 * 4.7 s of it the value mapper, which copies an object once per key (`{...sum, [k]: v}`), and
 * JavaMap.toJSON likewise (2.2 s). The same values, linearly: objects are built once. An array
 * becomes a JavaArray with the class's own prototype: the simulator's constructor gives every
 * instance a prototype object of its own (`Object.create(JavaArray.prototype)`), which costs a
 * prototype per array and leaves V8 no shape to share (0.9 s of a 16-user run's main thread).
 */
function installFastPaths(): void {
  const { JavaMap, createMapProxy } = velocity('value-mapper/map.js') as {
    JavaMap: { new (obj: object, mapper: Mapper): object; prototype: { toJSON(): unknown } };
    createMapProxy(map: object): object;
  };
  const { JavaArray } = velocity('value-mapper/array.js') as {
    JavaArray: { new (values: unknown[], mapper: Mapper): unknown[]; prototype: object };
  };
  const { isPlainObject } = simulatorRequire('lodash') as { isPlainObject(value: unknown): boolean };
  const original = mapper.map;
  const linear: Mapper = (value, hint) => {
    if (value instanceof JavaArray || value instanceof JavaMap) return value;
    if (Array.isArray(value)) {
      const array = Object.setPrototypeOf(
        value.map((item) => linear(item)),
        JavaArray.prototype,
      ) as unknown[] & { mapper: Mapper };
      array.mapper = linear;
      return array;
    }
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
}

/**
 * A template's context, as the simulator's buildRenderContext makes it, with the identity AppSync
 * really gives (`groups` for user pools, `accountId` for IAM). What is the same for every
 * template of a request is made once per request (keyed by its context object): the `$util`
 * functions (the simulator spread some 60 of them into a new object per template, and built the
 * identity, then this code mapped it again), the identity, and the resolver's `info` once per
 * field resolution. Each template still gets its own `$util` object (inheriting the request's),
 * with its own `errors`, `now` and `info`, and its own arguments, stash, source and results.
 * Profiled in a 16-user chat run: building contexts was 5.1 s of the main thread's 31.6 s busy,
 * 1.6 s of it the `$util` spread.
 */
const requestUtils = new WeakMap<LocalExecutionContext, object>();
const identities = new WeakMap<LocalExecutionContext, unknown>();
const infos = new WeakMap<object, unknown>();

function renderContext(
  simulatorContext: SimulatorContext,
  { source, arguments: argument, result, stash, prevResult, error }: CtxValues,
  requestContext: LocalExecutionContext,
  info: unknown,
): RenderContext {
  const map = mapper.map;
  let utils = requestUtils.get(requestContext);
  if (!utils) {
    utils = createUtil([], new Date(), info, requestContext);
    requestUtils.set(requestContext, utils);
  }
  const util = Object.assign(Object.create(utils) as object, { errors: [], now: new Date(), info });
  if (!identities.has(requestContext))
    identities.set(requestContext, identityOf(simulatorContext, requestContext));
  let mappedInfo = typeof info === 'object' && info !== null ? infos.get(info) : undefined;
  if (mappedInfo === undefined) {
    mappedInfo = map(createInfo(info));
    if (typeof info === 'object' && info !== null) infos.set(info, mappedInfo);
  }
  const args = map(argument);
  const context: VtlContext = {
    arguments: args,
    args,
    info: mappedInfo,
    request: { headers: requestContext.headers },
    identity: identities.get(requestContext),
    stash: map(stash || {}),
    source: map(source),
    result: map(result),
    error: error
      ? {
          ...error,
          type: error.type || error.extensions?.errorType || 'UnknownErrorType',
          message: error.message || `Error: ${error}`,
        }
      : error,
  };
  if (prevResult !== undefined) context.prev = map({ result: prevResult });
  return { util, utils: util, context, ctx: context };
}

/** `$ctx.identity`: the simulator's fields for the request's authorization mode, plus AppSync's own. */
function identityOf(simulatorContext: SimulatorContext, requestContext: LocalExecutionContext): unknown {
  const { jwt, sourceIp, iamToken, requestAuthorizationMode: mode } = requestContext;
  const { iss: issuer, sub, 'cognito:username': cognitoUserName, username } = jwt ?? {};
  if (mode === 'AMAZON_COGNITO_USER_POOLS') {
    const groups = jwt?.['cognito:groups'];
    return mapper.map({
      sub,
      issuer,
      sourceIp,
      'cognito:username': cognitoUserName,
      username: username || cognitoUserName,
      claims: jwt,
      ...(simulatorContext.appSyncConfig.defaultAuthenticationType.authenticationType === mode
        ? { defaultAuthStrategy: 'ALLOW' }
        : {}),
      groups: Array.isArray(groups) ? groups : null,
    });
  }
  if (mode === 'AWS_IAM') {
    return mapper.map({
      sourceIp,
      username: iamToken?.username,
      userArn: iamToken?.userArn,
      cognitoIdentityPoolId: iamToken?.cognitoIdentityPoolId,
      cognitoIdentityId: iamToken?.cognitoIdentityId,
      cognitoIdentityAuthType: undefined,
      cognitoIdentityAuthProvider: undefined,
      accountId: iamToken?.accountId ?? LOCAL_ACCOUNT,
    });
  }
  return null;
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

  prototype.buildRenderContext = function buildRenderContext(
    this: { simulatorContext: SimulatorContext },
    ctxValues: CtxValues,
    requestContext: LocalExecutionContext,
    info: unknown,
  ): RenderContext {
    const rendered = renderContext(this.simulatorContext, ctxValues, requestContext, info);
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
