import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The synthesized backend as CloudFormation would see it: the root stack and its nested
 * stacks, each with the template file, its parent and the parameters the parent passes.
 */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface StackNode {
  /** The CloudFormation stack name this stack would get (root) or `<root>-<logicalId>` (nested). */
  name: string;
  templateFile: string;
  template: CfnTemplate;
  parent?: StackNode;
  /** The logical id of the AWS::CloudFormation::Stack resource in the parent. */
  logicalIdInParent?: string;
  children: Map<string, StackNode>;
}

export interface CloudAssembly {
  outdir: string;
  root: StackNode;
  stacks: StackNode[];
  /** `asset.<hash>.<ext>` files and folders by hash. */
  assetPath(hash: string): string;
}

export function loadCloudAssembly(outdir: string): CloudAssembly {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const rootArtifact = Object.entries(manifest.artifacts).find(
    ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
  );
  if (!rootArtifact?.[1].properties?.templateFile) {
    throw new Error(`No CloudFormation stack in ${outdir}/manifest.json: did the synth finish?`);
  }
  // Nested templates are file assets: the TemplateURL names the hash, the asset manifest the file.
  const templateFiles = new Map<string, string>();
  for (const entry of readdirSync(outdir).filter((name) => name.endsWith('.assets.json'))) {
    const assets = JSON.parse(readFileSync(join(outdir, entry), 'utf8')) as {
      files?: Record<string, { source: { path?: string } }>;
    };
    for (const [hash, asset] of Object.entries(assets.files ?? {})) {
      if (asset.source.path?.endsWith('.template.json')) templateFiles.set(hash, asset.source.path);
    }
  }
  const stacks: StackNode[] = [];
  const load = (
    name: string,
    templateFile: string,
    parent?: StackNode,
    logicalIdInParent?: string,
  ): StackNode => {
    const template = JSON.parse(readFileSync(join(outdir, templateFile), 'utf8')) as CfnTemplate;
    const node: StackNode = { name, templateFile, template, parent, logicalIdInParent, children: new Map() };
    stacks.push(node);
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const hash = assetHashOf(JSON.stringify(resource.Properties?.TemplateURL ?? ''));
      const nestedFile = resource.Metadata?.['aws:asset:path'] ?? (hash && templateFiles.get(hash));
      if (typeof nestedFile !== 'string')
        throw new Error(`Nested stack ${logicalId}: its template is not in ${outdir}`);
      node.children.set(logicalId, load(`${name}-${logicalId}`, nestedFile, node, logicalId));
    }
    return node;
  };
  const root = load(rootArtifact[0], rootArtifact[1].properties.templateFile);

  const assets = new Map<string, string>();
  for (const entry of readdirSync(outdir)) {
    const match = /^asset\.([0-9a-f]{64})/.exec(entry);
    if (match) assets.set(match[1]!, join(outdir, entry));
  }
  return {
    outdir,
    root,
    stacks,
    assetPath(hash) {
      const path = assets.get(hash);
      if (!path || !existsSync(path)) throw new Error(`Asset ${hash} is not in ${outdir}`);
      return path;
    },
  };
}

/** The asset hash inside an `s3://bucket/<hash>.<ext>` location or an S3 key. */
export function assetHashOf(location: string): string | undefined {
  return /([0-9a-f]{64})/.exec(location)?.[1];
}
