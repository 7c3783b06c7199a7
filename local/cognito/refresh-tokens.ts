import { randomBytes } from 'node:crypto';
import { jsonFile } from './json-file';

/**
 * One sign-in: the opaque refresh token handed to the client and the `origin_jti` every
 * access and id token of that sign-in carries, so revoking the one revokes the others.
 */
export interface RefreshTokenRecord {
  token: string;
  username: string;
  clientId: string;
  originJti: string;
  /** Epoch seconds of the authentication, the tokens' `auth_time`. */
  authTime: number;
  /** Epoch milliseconds. */
  expiresAt: number;
  revoked: boolean;
}

export interface RefreshTokenStore {
  add(record: Omit<RefreshTokenRecord, 'token' | 'revoked'>): RefreshTokenRecord;
  get(token: string): RefreshTokenRecord | undefined;
  /** True while the sign-in the tokens came from has not been revoked. */
  isOriginActive(originJti: string): boolean;
  revoke(token: string): void;
  revokeAllFor(username: string): void;
}

export function createRefreshTokenStore(options: {
  persistDir?: string;
  now: () => number;
}): RefreshTokenStore {
  const file = jsonFile<RefreshTokenRecord[]>(options.persistDir, 'refresh-tokens.json');
  const byToken = new Map((file.load() ?? []).map((record) => [record.token, record]));
  const byOrigin = new Map([...byToken.values()].map((record) => [record.originJti, record]));
  const save = () => file.save([...byToken.values()]);

  return {
    add(fields) {
      for (const [token, record] of byToken) {
        if (record.expiresAt <= options.now()) {
          byToken.delete(token);
          byOrigin.delete(record.originJti);
        }
      }
      const record = { ...fields, token: randomBytes(96).toString('base64url'), revoked: false };
      byToken.set(record.token, record);
      byOrigin.set(record.originJti, record);
      save();
      return { ...record };
    },
    get(token) {
      const record = byToken.get(token);
      return record && { ...record };
    },
    isOriginActive(originJti) {
      const record = byOrigin.get(originJti);
      return record !== undefined && !record.revoked;
    },
    revoke(token) {
      const record = byToken.get(token);
      if (!record || record.revoked) return;
      record.revoked = true;
      save();
    },
    revokeAllFor(username) {
      for (const record of byToken.values()) if (record.username === username) record.revoked = true;
      save();
    },
  };
}
