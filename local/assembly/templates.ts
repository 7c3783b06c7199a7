import type { CfnResource, CloudAssembly, StackNode } from './cloud-assembly';
import { createResolver, type LocalUrls, type Resolver } from './intrinsics';

/** The synthesized templates as every inventory reader sees them, with intrinsics resolved. */

export interface Located {
  stack: StackNode;
  logicalId: string;
  resource: CfnResource;
}

/** The resources of one type in every stack, without those whose condition is false. */
function resourcesOfType(assembly: CloudAssembly, resolver: Resolver, type: string): Located[] {
  const found: Located[] = [];
  for (const stack of assembly.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type !== type) continue;
      if (resource.Condition && !resolver.condition(stack, resource.Condition)) continue;
      found.push({ stack, logicalId, resource });
    }
  }
  return found;
}

export function lastSegment(arnOrName: string, separator = ':'): string {
  return arnOrName.split(separator).pop()!;
}

export const queueNameOfArn = (arn: unknown) => lastSegment(String(arn));

/** What each reader is given: the templates, every intrinsic resolved, and the functions' Amplify names. */
export interface Templates {
  assembly: CloudAssembly;
  resolver: Resolver;
  /** The resources of one type in every stack, without those whose condition is false. */
  ofType(type: string): Located[];
  /** A resource's properties with every intrinsic resolved. */
  props(located: Located): Record<string, unknown>;
  /** Our function's Amplify name from its ARN or physical name; any other function's physical name. */
  functionNameOf(arnOrName: unknown): string;
}

/** The templates before the functions are read (they name the functions for everyone else). */
export type UnnamedTemplates = Omit<Templates, 'functionNameOf'>;

export function readTemplates(assembly: CloudAssembly, urls: LocalUrls): UnnamedTemplates {
  const resolver = createResolver(urls);
  return {
    assembly,
    resolver,
    ofType: (type) => resourcesOfType(assembly, resolver, type),
    props: (resource) =>
      resolver.resolve(resource.stack, resource.resource.Properties ?? {}) as Record<string, unknown>,
  };
}
