import { inject } from 'vitest';
import {
  AppUserProcess,
  randomPhone,
  type SandboxClientOptions,
  signInWithInboxCode,
} from './app-user-driver';

export { randomPhone };

/** A person using the app, against the suite's sandbox unless told another. */
export class AppUser extends AppUserProcess {
  /** `sandbox`: another sandbox than the suite's (a file that starts its own, e.g. gen1-rehearsal). */
  constructor(
    phone: string,
    sandbox: SandboxClientOptions = {
      outputsPath: inject('outputsPath'),
      caCertPath: inject('caCertPath'),
    },
  ) {
    super(phone, sandbox);
  }
}

export async function inbox<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${inject('inboxUrl')}${path}`, init);
  return (await response.json()) as T;
}

/** Signs up and signs in with the code the dev inbox received. */
export async function signedInUser(phone = randomPhone()): Promise<AppUser & { sub: string }> {
  const user = new AppUser(phone);
  const sub = await signInWithInboxCode(user, inject('inboxUrl'));
  return Object.assign(user, { sub });
}
