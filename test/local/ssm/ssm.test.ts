import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientConfig, useGateway } from '../gateway/gateway-fixture';

const gateway = useGateway();
const prefix = '/bootalk/sandbox/x/';

function ssm() {
  return new SSMClient(clientConfig(gateway()));
}

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-params-'));
  const file = join(dir, 'parameters.json');
  writeFileSync(
    file,
    JSON.stringify({
      [`${prefix}auth/blocked-phone-numbers`]: { type: 'StringList', value: '+821000000000,+821011111111' },
      [`${prefix}legacy/base-url`]: 'http://127.0.0.1:9999',
      [`${prefix}legacy/service-token`]: { type: 'SecureString', value: 's3cret' },
      [`${prefix}legacy/deep/timeout-ms`]: '3000',
    }),
  );
  gateway().ssm.loadFile(file);
});

describe('SSM parameters', () => {
  it('returns a StringList parameter loaded from the local file with its metadata', async () => {
    const { Parameter } = await ssm().send(
      new GetParameterCommand({ Name: `${prefix}auth/blocked-phone-numbers` }),
    );
    expect(Parameter).toMatchObject({
      Name: `${prefix}auth/blocked-phone-numbers`,
      Type: 'StringList',
      Value: '+821000000000,+821011111111',
      Version: 1,
      ARN: `arn:aws:ssm:ap-northeast-2:123456789012:parameter${prefix}auth/blocked-phone-numbers`,
    });
    expect(Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    expect(Math.abs(Parameter!.LastModifiedDate!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('answers a missing parameter with ParameterNotFound', async () => {
    const missing = ssm().send(new GetParameterCommand({ Name: `${prefix}nope` }));
    await expect(missing).rejects.toBeInstanceOf(ParameterNotFound);
    await expect(missing).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });

  it('decrypts a SecureString only when asked to', async () => {
    const name = `${prefix}legacy/service-token`;
    const encrypted = await ssm().send(new GetParameterCommand({ Name: name }));
    expect(encrypted.Parameter?.Value).not.toBe('s3cret');
    const decrypted = await ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    expect(decrypted.Parameter).toMatchObject({ Type: 'SecureString', Value: 's3cret' });
  });

  it('lists the names it could not find in GetParameters', async () => {
    const result = await ssm().send(
      new GetParametersCommand({ Names: [`${prefix}legacy/base-url`, `${prefix}missing`] }),
    );
    expect(result.Parameters?.map((parameter) => parameter.Value)).toEqual(['http://127.0.0.1:9999']);
    expect(result.InvalidParameters).toEqual([`${prefix}missing`]);
  });

  it('lists direct children by path, or every descendant when recursive, across pages', async () => {
    const direct = await ssm().send(new GetParametersByPathCommand({ Path: `${prefix}legacy` }));
    expect(direct.Parameters?.map((parameter) => parameter.Name)).toEqual([
      `${prefix}legacy/base-url`,
      `${prefix}legacy/service-token`,
    ]);

    const names: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ssm().send(
        new GetParametersByPathCommand({ Path: prefix, Recursive: true, MaxResults: 3, NextToken }),
      );
      names.push(...(page.Parameters ?? []).map((parameter) => parameter.Name!));
      NextToken = page.NextToken;
      pages += 1;
    } while (NextToken);
    expect(pages).toBe(2);
    expect(names).toEqual([
      `${prefix}auth/blocked-phone-numbers`,
      `${prefix}legacy/base-url`,
      `${prefix}legacy/deep/timeout-ms`,
      `${prefix}legacy/service-token`,
    ]);
  });

  it('puts parameters with increasing versions and refuses to overwrite without Overwrite', async () => {
    const name = `${prefix}tables/otp`;
    gateway().ssm.put(name, 'sandbox-dev-otp-challenges');
    await expect(
      ssm().send(new PutParameterCommand({ Name: name, Value: 'x', Type: 'String' })),
    ).rejects.toBeInstanceOf(ParameterAlreadyExists);
    const { Version } = await ssm().send(
      new PutParameterCommand({ Name: name, Value: 'otp-v2', Type: 'String', Overwrite: true }),
    );
    expect(Version).toBe(2);
    expect(gateway().ssm.get(name)?.value).toBe('otp-v2');
  });
});
