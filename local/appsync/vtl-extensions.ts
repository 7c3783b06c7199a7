import { VelocityTemplate } from '@aws-amplify/amplify-appsync-simulator';
import { generateFilterExpression } from '@aws-amplify/amplify-appsync-simulator/lib/velocity/util/transform/dynamodb-filter.js';
import { transformUtils } from '@aws-amplify/amplify-appsync-simulator/lib/velocity/util/transform/index.js';
import { map } from '@aws-amplify/amplify-appsync-simulator/lib/velocity/value-mapper/mapper.js';
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

export function installVtlExtensions(): void {
  const prototype = VelocityTemplate.prototype as unknown as Record<string | symbol, unknown>;
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;

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
      rendered.context.identity = map({ ...identity, groups: Array.isArray(groups) ? groups : null });
    } else if (identity && requestContext.requestAuthorizationMode === 'AWS_IAM') {
      rendered.context.identity = map({
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
