import type {
  OtpChallengeStore,
  StoredChallenge,
} from '../../amplify/functions/shared/otp/otp-challenge-store';
import { emptyPhoneOtpState, type PhoneOtpState } from '../../amplify/functions/shared/otp/otp-policy';

/** An in-memory OtpChallengeStore with the DynamoDB store's semantics, for unit tests. */
export function memoryOtpStore(now: () => number): OtpChallengeStore & {
  challenges: Map<string, StoredChallenge>;
  phones: Map<string, { state: PhoneOtpState; version: number }>;
} {
  const challenges = new Map<string, StoredChallenge>();
  const phones = new Map<string, { state: PhoneOtpState; version: number }>();
  const live = new Map<string, { challengeId: string; issuedAtMs: number }>();
  return {
    challenges,
    phones,
    async getPhoneState(key) {
      const entry = phones.get(key);
      return entry ? structuredClone(entry) : { state: emptyPhoneOtpState(), version: 0 };
    },
    async savePhoneState(key, state, version) {
      if ((phones.get(key)?.version ?? 0) !== version) return false;
      phones.set(key, { state: structuredClone(state), version: version + 1 });
      return true;
    },
    async findLiveChallenge(key, withinMs) {
      const entry = live.get(key);
      return entry && entry.issuedAtMs > now() - withinMs ? entry.challengeId : undefined;
    },
    async setLiveChallenge(key, challengeId) {
      live.set(key, { challengeId, issuedAtMs: now() });
    },
    async clearLiveChallenge(key, challengeId) {
      if (live.get(key)?.challengeId === challengeId) live.delete(key);
    },
    async putChallenge(challenge) {
      if (challenges.has(challenge.challengeId)) throw new Error('ConditionalCheckFailedException');
      challenges.set(challenge.challengeId, { ...challenge });
    },
    async getChallenge(challengeId) {
      const challenge = challenges.get(challengeId);
      return challenge && challenge.expiresAtMs > now() ? { ...challenge } : undefined;
    },
    async consumeChallenge(challengeId) {
      const challenge = challenges.get(challengeId);
      if (!challenge || challenge.expiresAtMs <= now()) return false;
      challenges.delete(challengeId);
      return true;
    },
  };
}
