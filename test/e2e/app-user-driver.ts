import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The process driver behind the e2e suite's `AppUser`, free of vitest so the benchmark
 * (`npm run bench`) drives the same real clients: the sandbox comes in as an option.
 */

/** Where an app user's process finds the sandbox: its amplify_outputs.json and local CA. */
export interface SandboxClientOptions {
  outputsPath: string;
  caCertPath: string;
}

type GraphQLResult<T> = { data: T; errors?: { message: string; errorType?: string }[] };

/** A person using the app: the real aws-amplify client in its own Node process. */
export class AppUserProcess {
  private child: ChildProcess;
  private nextId = 1;
  private pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly events = new Map<number, unknown[]>();
  /** Called for every subscription event with the epoch ms the client process received it. */
  onEvent?: (event: unknown, receivedAt: number) => void;

  constructor(
    readonly phone: string,
    sandbox: SandboxClientOptions,
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
        at?: number;
        result?: unknown;
        error?: { message: string; name?: string };
        event?: unknown;
      };
      if (message.sub !== undefined) {
        this.events.get(message.sub)?.push(message.event);
        this.onEvent?.(message.event, message.at ?? Date.now());
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
    return this.call<GraphQLResult<T> & { nextToken?: string | null }>('model', {
      model,
      operation,
      input,
      options,
    });
  }

  mutation<T = unknown>(name: string, args: unknown) {
    return this.call<GraphQLResult<T>>('mutation', { name, args });
  }

  query<T = unknown>(name: string, args: unknown) {
    return this.call<GraphQLResult<T>>('query', { name, args });
  }

  close(): void {
    this.child.kill('SIGTERM');
  }
}

/** A random valid Korean mobile number: 010, then a block starting with 2–4 (all assigned ranges). */
export function randomPhone(): string {
  return `+8210${2 + Math.floor(Math.random() * 3)}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}

/**
 * Signs `user` up (an existing account is fine, as the README tells apps) and in with the code the
 * dev inbox at `inboxUrl` received; returns the user's Cognito sub.
 */
export async function signInWithInboxCode(user: AppUserProcess, inboxUrl: string): Promise<string> {
  await user.call('signUp', { phone: user.phone }).catch((error: Error) => {
    if (error.name !== 'UsernameExistsException') throw error;
  });
  await user.call('signIn', { phone: user.phone });
  const response = await fetch(`${inboxUrl}/api/sms/latest?phone=${encodeURIComponent(user.phone)}`);
  const { code } = (await response.json()) as { code: string };
  await user.call('confirmSignIn', { code });
  const { sub } = await user.call<{ sub: string }>('session');
  return sub;
}
