import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSignedCallers } from '../../local/iam/signed-callers';
import { loadOrCreateSecrets } from '../../local/secrets';

const fileIn = (dir: string) => join(dir, 'sandbox', 'secrets.json');

describe('local sandbox secrets', () => {
  it('makes a share-link secret of at least 32 bytes, and keeps it across restarts', () => {
    const file = fileIn(mkdtempSync(join(tmpdir(), 'bootalk-secrets-')));
    const first = loadOrCreateSecrets(file).values.SHARE_LINK_SECRET!;
    expect(Buffer.byteLength(first, 'utf8')).toBeGreaterThanOrEqual(32);
    expect(loadOrCreateSecrets(file).values.SHARE_LINK_SECRET).toBe(first);
  });

  it('adds the share-link secret to a file made before it existed, keeping the other values', () => {
    const file = fileIn(mkdtempSync(join(tmpdir(), 'bootalk-secrets-')));
    const { values } = loadOrCreateSecrets(file);
    const { SHARE_LINK_SECRET: _dropped, ...older } = values;
    writeFileSync(file, JSON.stringify(older));
    const reloaded = loadOrCreateSecrets(file).values;
    expect(reloaded).toMatchObject(older);
    expect(reloaded.SHARE_LINK_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(readFileSync(file, 'utf8')).SHARE_LINK_SECRET).toBe(reloaded.SHARE_LINK_SECRET);
  });

  it('makes a webhook key pair: the function verifies with the public half of the local signing key', async () => {
    const file = fileIn(mkdtempSync(join(tmpdir(), 'bootalk-secrets-')));
    const { values } = loadOrCreateSecrets(file);
    const { SignJWT, importPKCS8, importSPKI, jwtVerify } = await import('jose');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('bootalk-legacy-api')
      .sign(await importPKCS8(values.LEGACY_WEBHOOK_SIGNING_KEY!, 'ES256'));
    const verified = await jwtVerify(token, await importSPKI(values.LEGACY_WEBHOOK_KEY!, 'ES256'));
    expect(verified.payload.iss).toBe('bootalk-legacy-api');
    expect(values.PUBLIC_DATA_SERVICE_KEY).toMatch(/^local-[0-9a-f]{24}$/);
    expect(loadOrCreateSecrets(file).values.LEGACY_WEBHOOK_KEY).toBe(values.LEGACY_WEBHOOK_KEY);
  });

  it("gives every sandbox of a checkout the same operator keys, so one sandbox's seed is not refused by another's", () => {
    const file = fileIn(mkdtempSync(join(tmpdir(), 'bootalk-secrets-')));
    const operatorOf = () => {
      const { values } = loadOrCreateSecrets(file);
      return createSignedCallers([], {
        operator: {
          accessKeyId: values.LOCAL_OPERATOR_ACCESS_KEY_ID!,
          secretAccessKey: values.LOCAL_OPERATOR_SECRET_ACCESS_KEY!,
        },
      }).operatorCredentials();
    };
    const first = operatorOf();
    expect(first.accessKeyId).toMatch(/^AKIALOCAL[0-9A-F]{12}$/);
    expect(first.secretAccessKey.length).toBeGreaterThanOrEqual(40);
    expect(operatorOf()).toEqual(first);
    // Without given keys, each start makes its own (what let two sandboxes overwrite each other's file).
    expect(createSignedCallers([]).operatorCredentials().accessKeyId).not.toBe(first.accessKeyId);
  });
});
