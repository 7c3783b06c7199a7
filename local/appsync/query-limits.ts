import {
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * AppSync's `queryDepthLimit` and `resolverCountLimit` (the API's synthesized settings), checked
 * before anything runs, so a refused request changes nothing. Depth counts nested fields (a root
 * field is depth 1), fragments expanded. Resolvers are counted in the request text (each field
 * that has a resolver, aliases included); AWS counts invocations while running, so a resolver
 * under a list counts once here and once per item there.
 */

export interface QueryLimits {
  queryDepthLimit?: number;
  resolverCountLimit?: number;
}

export interface QueryLimitError {
  errorType: string;
  message: string;
}

export function checkQueryLimits(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  limits: QueryLimits,
  /** Does `<Type>.<field>` have a resolver? Root fields are looked up under the operation's type. */
  hasResolver: (typeName: string, fieldName: string) => boolean,
  rootTypeName: string,
  fieldType: (typeName: string, fieldName: string) => string | undefined,
): QueryLimitError | undefined {
  let deepest = 0;
  let resolvers = 0;
  const walk = (
    selectionSet: SelectionSetNode,
    typeName: string | undefined,
    depth: number,
    seen: Set<string>,
  ) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        deepest = Math.max(deepest, depth);
        const name = selection.name.value;
        if (typeName && hasResolver(typeName, name)) resolvers += 1;
        if (selection.selectionSet) {
          walk(selection.selectionSet, typeName ? fieldType(typeName, name) : undefined, depth + 1, seen);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition?.name.value ?? typeName, depth, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread inside itself is invalid GraphQL; validation reports it.
        if (!fragment || seen.has(fragment.name.value)) continue;
        walk(
          fragment.selectionSet,
          fragment.typeCondition.name.value,
          depth,
          new Set([...seen, fragment.name.value]),
        );
      }
    }
  };
  walk(operation.selectionSet, rootTypeName, 1, new Set());

  if (limits.queryDepthLimit && deepest > limits.queryDepthLimit) {
    return {
      errorType: 'QueryDepthLimitExceeded',
      message: `The query has a depth of ${deepest}, more than this API's queryDepthLimit of ${limits.queryDepthLimit}.`,
    };
  }
  if (limits.resolverCountLimit && resolvers > limits.resolverCountLimit) {
    return {
      errorType: 'ResolverCountLimitExceeded',
      message: `The query invokes ${resolvers} resolvers, more than this API's resolverCountLimit of ${limits.resolverCountLimit}.`,
    };
  }
  return undefined;
}
