import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { assetHashOf, type CloudAssembly } from '../assembly/cloud-assembly';
import { createResolver, type LocalUrls } from '../assembly/intrinsics';

/**
 * The objects the synthesized BucketDeployments would copy into their buckets, by bucket and key:
 * Amplify deploys the model introspection schema this way, and functions read it with GetObject.
 */

export type BucketObjects = Map<string, Map<string, string>>;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

export function readBucketDeployments(assembly: CloudAssembly, urls: LocalUrls): BucketObjects {
  const resolver = createResolver(urls);
  const buckets: BucketObjects = new Map();
  for (const stack of assembly.stacks) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      if (resource.Type !== 'Custom::CDKBucketDeployment') continue;
      const p = resolver.resolve(stack, resource.Properties ?? {}) as {
        DestinationBucketName?: unknown;
        DestinationBucketKeyPrefix?: unknown;
        SourceObjectKeys?: unknown[];
      };
      const bucket = String(p.DestinationBucketName);
      const prefix = typeof p.DestinationBucketKeyPrefix === 'string' ? p.DestinationBucketKeyPrefix : '';
      const objects = buckets.get(bucket) ?? new Map<string, string>();
      for (const sourceKey of p.SourceObjectKeys ?? []) {
        const hash = assetHashOf(String(sourceKey));
        if (!hash) continue;
        const source = assembly.assetPath(hash);
        // The synth leaves directory assets unzipped; a zipped one is nothing the sandbox reads.
        if (!statSync(source).isDirectory()) continue;
        for (const file of filesUnder(source)) {
          objects.set(`${prefix}${relative(source, file).split(sep).join('/')}`, file);
        }
      }
      buckets.set(bucket, objects);
    }
  }
  return buckets;
}
