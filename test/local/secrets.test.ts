import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
