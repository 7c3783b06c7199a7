import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The Amplify secrets of the local sandbox, in a JSON file (`.amplify/sandbox/secrets.json`):
 * made once with fresh random values, then kept, so codes and tokens survive a restart.
 * Add your own entries to the file; every key is served to functions as the secret of that name.
 */

export interface LocalSecrets {
  values: Record<string, string>;
  /** The public half of SERVICE_TOKEN_KEY, for the Legacy API stand-in. */
  serviceTokenPublicKey: string;
}

export function loadOrCreateSecrets(file: string): LocalSecrets {
  const values: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  let changed = false;
  const ensure = (name: string, make: () => string) => {
    if (typeof values[name] === 'string' && values[name] !== '') return;
    values[name] = make();
    changed = true;
  };
  ensure('OTP_PEPPER', () => randomBytes(32).toString('base64url'));
  ensure('SHARE_LINK_SECRET', () => randomBytes(32).toString('base64url'));
  ensure('SERVICE_TOKEN_KEY', () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  );
  ensure('SERVICE_TOKEN_KID', () => `local-${randomBytes(4).toString('hex')}`);
  // The legacy side signs webhook calls with its private key; the function holds the public one.
  // Locally both are here, so tests and developers can sign a webhook call like the legacy side.
  ensure('LEGACY_WEBHOOK_SIGNING_KEY', () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  );
  ensure('LEGACY_WEBHOOK_KEY', () =>
    createPublicKey(values.LEGACY_WEBHOOK_SIGNING_KEY!).export({ type: 'spki', format: 'pem' }).toString(),
  );
  // The stand-in of data.go.kr accepts any non-empty serviceKey.
  ensure('PUBLIC_DATA_SERVICE_KEY', () => `local-${randomBytes(12).toString('hex')}`);
  // The local operator's keys (seed, admin calls): the checkout's, so every sandbox started from it
  // (the e2e suite's and a Gen 1 rehearsal's side by side) accepts the one operator-credentials file.
  ensure('LOCAL_OPERATOR_ACCESS_KEY_ID', () => `AKIALOCAL${randomBytes(6).toString('hex').toUpperCase()}`);
  ensure('LOCAL_OPERATOR_SECRET_ACCESS_KEY', () => randomBytes(30).toString('base64'));
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
  }
  const serviceTokenPublicKey = createPublicKey(values.SERVICE_TOKEN_KEY!)
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return { values, serviceTokenPublicKey };
}
