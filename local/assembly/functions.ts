import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionSpec } from '../contracts';
import { assetHashOf } from './cloud-assembly';
import { lastSegment, type Templates, type UnnamedTemplates } from './templates';

/**
 * The folder of a synth's cdk.out where the sandbox's own bundles are (synth-cache.ts), one
 * folder per function; a synth made with CDK's bundling (a deploy's) runs its assets instead.
 */
export const FUNCTION_BUNDLES = 'function-bundles';

/** Function folders under amplify/functions: the functions the sandbox runs. */
export function functionNames(root: string): Set<string> {
  const folder = join(root, 'amplify/functions');
  if (!existsSync(folder)) return new Set();
  return new Set(
    readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, 'resource.ts')))
      .map((entry) => entry.name),
  );
}

/** Lambda: our functions (tagged with their Amplify name), each with its role's policy statements. */
export function readFunctions(
  t: UnnamedTemplates,
  functionNames: ReadonlySet<string>,
): { functions: FunctionSpec[]; functionNameOf: Templates['functionNameOf'] } {
  // Custom-resource handlers carry no Amplify name: they are not ours.
  const functions: FunctionSpec[] = [];
  const functionNameByPhysical = new Map<string, string>();
  for (const located of t.ofType('AWS::Lambda::Function')) {
    const tags = (located.resource.Properties?.Tags ?? []) as { Key: string; Value: string }[];
    const name = tags.find((tag) => tag.Key === 'amplify:friendly-name')?.Value;
    if (!name || !functionNames.has(name)) continue;
    const p = t.props(located);
    const physical = String(t.resolver.ref(located.stack, located.logicalId));
    functionNameByPhysical.set(physical, name);
    const code = p.Code as { S3Key?: string };
    const ownBundle = join(t.assembly.outdir, FUNCTION_BUNDLES, name);
    const bundleDir = existsSync(ownBundle)
      ? ownBundle
      : t.assembly.assetPath(assetHashOf(String(code.S3Key)) ?? '');
    functions.push({
      name,
      bundleDir,
      handler: String(p.Handler ?? 'index.handler'),
      ...(typeof p.Role === 'string' ? { roleArn: p.Role } : {}),
      timeoutSeconds: Number(p.Timeout ?? 3),
      memoryMB: Number(p.MemorySize ?? 128),
      environment: {
        ...Object.fromEntries(
          Object.entries(
            ((p.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {}) as object,
          ).map(([key, value]) => [key, String(value)]),
        ),
        AWS_LAMBDA_FUNCTION_NAME: physical,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(p.MemorySize ?? 128),
      },
    });
  }
  // Each role's policy statements (AWS::IAM::Policy names the roles it attaches to).
  const statementsByRole = new Map<string, NonNullable<FunctionSpec['iamStatements']>>();
  for (const located of t.ofType('AWS::IAM::Policy')) {
    const p = t.props(located);
    const statements = ((p.PolicyDocument as { Statement?: unknown[] })?.Statement ?? []) as NonNullable<
      FunctionSpec['iamStatements']
    >;
    for (const role of (p.Roles ?? []) as unknown[]) {
      const name = lastSegment(String(role), '/');
      statementsByRole.set(name, [...(statementsByRole.get(name) ?? []), ...statements]);
    }
  }
  for (const fn of functions) {
    const role = fn.roleArn ? lastSegment(fn.roleArn, '/') : undefined;
    fn.iamStatements = (role && statementsByRole.get(role)) || [];
  }
  const functionNameOf = (arnOrName: unknown): string => {
    const physical = lastSegment(String(arnOrName));
    return functionNameByPhysical.get(physical) ?? physical;
  };
  return { functions, functionNameOf };
}
