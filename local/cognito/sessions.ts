import { randomBytes } from 'node:crypto';
import { notAuthorized } from './errors';

/** One answer in a custom-auth session, as the define trigger sees it. */
export interface ChallengeStep {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string;
}

/** Where a custom-auth sign-in stands between two calls. */
export interface AuthSession {
  clientId: string;
  /** The user's username, or for an unknown user the name that was given. */
  username: string;
  /** What the client signed in with (the phone number). */
  login: string;
  userNotFound: boolean;
  challengeName: string;
  privateChallengeParameters: Record<string, string>;
  /** The create trigger's metadata for the open challenge, recorded with its answer. */
  challengeMetadata?: string;
  steps: ChallengeStep[];
}

export interface SessionStore {
  /** Returns the opaque `Session` string the client sends back. */
  open(session: AuthSession): string;
  /** A session is single use: taking it ends it, whatever happens next. */
  take(id: string): AuthSession;
}

const FORGET_AFTER_MS = 60 * 60_000;

export function createSessionStore(options: { validityMinutes: number; now: () => number }): SessionStore {
  const sessions = new Map<string, { session: AuthSession; expiresAt: number }>();
  return {
    open(session) {
      // Expired sessions stay a while so a late answer hears "session is expired", not "invalid".
      for (const [id, entry] of sessions)
        if (entry.expiresAt + FORGET_AFTER_MS <= options.now()) sessions.delete(id);
      const id = randomBytes(120).toString('base64url');
      sessions.set(id, {
        session: structuredClone(session),
        expiresAt: options.now() + options.validityMinutes * 60_000,
      });
      return id;
    },
    take(id) {
      const entry = sessions.get(id);
      sessions.delete(id);
      if (!entry) throw notAuthorized('Invalid session for the user.');
      if (entry.expiresAt <= options.now())
        throw notAuthorized('Invalid session for the user, session is expired.');
      return entry.session;
    },
  };
}
