import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { inject } from 'vitest';

/** A person using the app: the real aws-amplify client in its own Node process. */
export class AppUser {
  private child: ChildProcess;
  private nextId = 1;
  private pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly events = new Map<number, unknown[]>();

  /** `sandbox`: another sandbox than the suite's (a file that starts its own, e.g. gen1-rehearsal). */
  constructor(
    readonly phone: string,
    sandbox: { outputsPath: string; caCertPath: string } = {
      outputsPath: inject('outputsPath'),
      caCertPath: inject('caCertPath'),
    },
  ) {
    this.child = spawn(
      process.execPath,
      ['--experimental-websocket', `${import.meta.dirname}/app-user-process.mjs`],
      {
        env: {
          ...process.env,
          AMPLIFY_OUTPUTS: sandbox.outputsPath,
          NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
        },
        stdio: ['pipe', 'pipe', 'ignore'],
      },
    );
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const message = JSON.parse(line) as {
        id?: number;
        sub?: number;
        result?: unknown;
        error?: { message: string; name?: string };
        event?: unknown;
      };
      if (message.sub !== undefined) {
        this.events.get(message.sub)?.push(message.event);
        return;
      }
      const waiter = this.pending.get(message.id!);
      this.pending.delete(message.id!);
      if (message.error) {
        const error = new Error(message.error.message);
        error.name = message.error.name ?? 'Error';
        waiter?.reject(error);
      } else waiter?.resolve(message.result);
    });
  }

  call<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  /** Subscribes to `client.models[model][event]()`; resolves once AppSync acknowledged it. */
  async subscribe(model: string, event: string): Promise<unknown[]> {
    const id = this.nextId;
    const received: unknown[] = [];
    this.events.set(id, received);
    await this.call('subscribe', { model, event });
    return received;
  }

  /** `client.models[model][operation](input, options)`; list operations also return `nextToken`. */
  model<T = unknown>(model: string, operation: string, input: unknown, options?: Record<string, unknown>) {
    return this.call<{
      data: T;
      nextToken?: string | null;
      errors?: { message: string; errorType?: string }[];
    }>('model', { model, operation, input, options });
  }

  mutation<T = unknown>(name: string, args: unknown) {
    return this.call<{ data: T; errors?: { message: string; errorType?: string }[] }>('mutation', {
      name,
      args,
    });
  }

  query<T = unknown>(name: string, args: unknown) {
    return this.call<{ data: T; errors?: { message: string; errorType?: string }[] }>('query', {
      name,
      args,
    });
  }

  close(): void {
    this.child.kill('SIGTERM');
  }
}

/** A random valid Korean mobile number: 010, then a block starting with 2–4 (all assigned ranges). */
export function randomPhone(): string {
  return `+8210${2 + Math.floor(Math.random() * 3)}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}

export async function inbox<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${inject('inboxUrl')}${path}`, init);
  return (await response.json()) as T;
}

/** Signs up and signs in with the code the dev inbox received. */
export async function signedInUser(phone = randomPhone()): Promise<AppUser & { sub: string }> {
  const user = new AppUser(phone);
  // As the README tells apps: an existing account is fine.
  await user.call('signUp', { phone }).catch((error: Error) => {
    if (error.name !== 'UsernameExistsException') throw error;
  });
  await user.call('signIn', { phone });
  const { code } = await inbox<{ code: string }>(`/api/sms/latest?phone=${encodeURIComponent(phone)}`);
  await user.call('confirmSignIn', { code });
  const { sub } = await user.call<{ sub: string }>('session');
  return Object.assign(user, { sub });
}
