import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Gives each imported table resource the key the transformer computed. Upstream bug: the index
 * transformer's replaceDdbPrimaryKey (amplify-category-api, resolvers.ts) overrides keySchema and
 * attributeDefinitions only on Amplify-managed tables; on an imported one it reassigns the
 * construct's arrays after the custom resource captured the old ones, so a model with
 * `.identifier([...])` would be imported as keyed on `id` and the import would refuse the table.
 */
export function fixImportedTableKeys(scope: IConstruct): void {
  for (const construct of scope.node.findAll()) {
    const table = construct as IConstruct & {
      table?: IConstruct;
      keySchema?: unknown[];
      attributeDefinitions?: unknown[];
    };
    if (!table.table || !table.keySchema || !table.attributeDefinitions) continue;
    const resource = table.table.node.defaultChild;
    if (
      !(resource instanceof CfnResource) ||
      resource.cfnResourceType !== 'Custom::ImportedAmplifyDynamoDBTable'
    )
      continue;
    resource.addPropertyOverride('keySchema', table.keySchema);
    resource.addPropertyOverride('attributeDefinitions', table.attributeDefinitions);
  }
}
