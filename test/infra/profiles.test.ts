import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synth, synth } from './synth';

// Issue 18: who may read UserProfile, as the synthesized resolvers decide it. The transformer
// authorizes a list for any role that may list one field, so a field rule saying `read` for
// everyone would open listUserProfiles to every signed-in user.

let sandbox: Synth;

beforeAll(async () => {
  sandbox = await synth('sandbox');
});

const USER_POOL_ALLOWS_ALL = /User Pool Authorization" \)\s*#set\( \$isAuthorized = true \)/;

/** A resolver function's templates (request and response) by its logical id's start, from the cloud assembly. */
function functionTemplate(prefix: string): string {
  const found = sandbox
    .resourcesOfType('AWS::AppSync::FunctionConfiguration')
    .find(({ logicalId }) => logicalId.startsWith(prefix));
  if (!found) throw new Error(`No AppSync function ${prefix}`);
  const properties = found.resource.Properties ?? {};
  return ['RequestMappingTemplateS3Location', 'ResponseMappingTemplateS3Location']
    .map((key) => /([0-9a-f]{64})\.vtl/.exec(JSON.stringify(properties[key]))?.[1])
    .filter((hash) => hash !== undefined)
    .map((hash) => readFileSync(join(sandbox.dir, `asset.${hash}.vtl`), 'utf8'))
    .join('\n');
}

describe('UserProfile authorization', () => {
  it('lets any signed-in user get a profile by id', () => {
    expect(functionTemplate('QuerygetUserProfileauth0')).toMatch(USER_POOL_ALLOWS_ALL);
  });

  it('lets a signed-in user list only their own profile, unless in ADMINS', () => {
    const list = functionTemplate('QuerylistUserProfilesauth0');
    expect(list).not.toMatch(USER_POOL_ALLOWS_ALL);
    expect(list).toContain('"entity":"ADMINS"');
    expect(list).toContain('$primaryFieldMap.put("id", $idClaim)');
  });

  it('guards the owner-only fields with their own resolvers, and leaves the public card unguarded', () => {
    const guarded = sandbox
      .resourcesOfType('AWS::AppSync::Resolver')
      .map(({ resource }) => resource.Properties as { TypeName: string; FieldName: string })
      .filter((resolver) => resolver.TypeName === 'UserProfile')
      .map((resolver) => resolver.FieldName)
      .sort();
    expect(guarded).toEqual(['consentHistory', 'consents', 'deletedAt', 'phone', 'regionCodes']);
  });

  it('gives the owner no direct update: profiles change through updateProfile and updateConsents', () => {
    // Only IAM (functions) is authorized; a user pool caller gets no allowed fields at all.
    const update = functionTemplate('MutationupdateUserProfileauth0');
    expect(update).toContain('IAM Authorization');
    expect(update).toMatch(/User Pool Authorization" \)\s*#end/);
  });
});
