import { randomUUID } from 'node:crypto';
import { SEND_RATE_LIMIT } from '../amplify/functions/conversation-link/rate-limit';
import { type MessageKind, notifiesMembers } from '../amplify/functions/shared/chat/chat-message';
import {
  AppUserProcess,
  randomPhone,
  type SandboxClientOptions,
  signInWithInboxCode,
} from '../test/e2e/app-user-driver';

/**
 * Chat as app users make it, for the benchmark: signed-in users in their own processes, in pairs
 * (a buyer and a broker of their own, in a DIRECT conversation), each subscribed to onCreateMessage
 * as the app is, each with a phone registered for pushes.
 */

export interface ChatSandbox extends SandboxClientOptions {
  inboxUrl: string;
}

type GraphQLErrors = { message: string }[] | undefined;
type Message = {
  id: string;
  conversationId: string;
  senderId: string;
  memberIds: string[];
  kind: MessageKind;
  notify?: boolean | null;
  deletedAt?: string | null;
};
type Conversation = { id: string; memberIds: string[]; status: string };
type PushCapture = { id: string; at: string; token: string; data?: { type?: string; messageId?: string } };

export interface BenchUser {
  app: AppUserProcess;
  sub: string;
  /** The FCM-shaped token of the user's one phone. */
  token: string;
  conversation?: Conversation;
}

/** One sendMessage the benchmark made. */
export interface Send {
  sender: BenchUser;
  conversationId: string;
  startedAt: number;
  roundTripMs: number;
  messageId?: string;
  error?: string;
}

/**
 * A pace that stays inside the send limit however round trips vary, when each send starts only
 * after the previous one answered: send k−20 was stored before send k−19 started, 19 paces
 * (10.45 s) before send k, so it is out of the 10 s window when send k is counted.
 */
export const SAFE_PACE_MS = 550;
export const LIMIT_PER_SECOND = SEND_RATE_LIMIT.limit / (SEND_RATE_LIMIT.windowMs / 1000);
export const LIMIT_TEXT = `${SEND_RATE_LIMIT.limit} messages / ${SEND_RATE_LIMIT.windowMs / 1000} s`;
/** Long enough that none of a user's earlier sends count against the limit any more. */
export const LIMIT_WINDOW_MS = SEND_RATE_LIMIT.windowMs + 500;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function deadline<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

function failIf(errors: GraphQLErrors, what: string): void {
  if (errors?.length) throw new Error(`${what}: ${JSON.stringify(errors)}`);
}

/** Runs `task` over `items`, at most `width` at once. */
async function inBatches<T, R>(
  items: readonly T[],
  width: number,
  task: (item: T, index: number) => Promise<R>,
) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!, index);
      }
    }),
  );
  return results;
}

export class ChatLoad {
  readonly users: BenchUser[] = [];
  /** message id → member sub → epoch ms that member's client heard it. */
  readonly heard = new Map<string, Map<string, number>>();
  /** Pushes captured for the benchmark's phones, by capture id. */
  readonly pushes = new Map<string, PushCapture>();
  /** Set when the dev inbox's push log ran over between two reads: pushes cannot be counted. */
  pushLogOverflowed = false;
  private collecting?: NodeJS.Timeout;
  private readonly run = `${Date.now().toString(36)}`;

  constructor(private readonly sandbox: ChatSandbox) {}

  private async inbox<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await fetch(`${this.sandbox.inboxUrl}${path}`, init);
    if (!response.ok) throw new Error(`dev inbox ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /**
   * Signs in `count` new users (rounded up to pairs), registers their phones, subscribes them, links
   * every second one as a broker and opens the pairs' conversations.
   */
  async prepare(count: number): Promise<void> {
    const pairs = Math.ceil(count / 2);
    const signedIn = await inBatches(Array.from({ length: pairs * 2 }), 4, async () => {
      const app = new AppUserProcess(randomPhone(), this.sandbox);
      const sub = await signInWithInboxCode(app, this.sandbox.inboxUrl);
      const token = `fcm-bench-${this.run}-${randomUUID()}-${'x'.repeat(100)}`;
      return { app, sub, token } as BenchUser;
    });
    this.users.push(...signedIn);

    // Phones and subscriptions first: every message of the conversations is heard and pushed.
    await inBatches(signedIn, 4, async (user) => {
      const registered = await user.app.mutation('registerDevice', {
        platform: 'GCM',
        token: user.token,
        appVersion: '3.2.0',
        locale: 'ko-KR',
      });
      failIf(registered.errors, 'registerDevice');
      user.app.onEvent = (event, at) => {
        const id = (event as { id?: string }).id;
        if (!id) return;
        const members = this.heard.get(id) ?? new Map<string, number>();
        if (!members.has(user.sub)) members.set(user.sub, at);
        this.heard.set(id, members);
      };
      await user.app.subscribe('Message', 'onCreate');
    });
    this.startCollectingPushes();

    // Brokers reach BrokerProfile as in production: the Legacy API lists them, data-sync copies them.
    const brokerIdOf = (index: number) => `BRK-BENCH-${this.run}-${index}`;
    for (let pair = 0; pair < pairs; pair++) {
      await this.inbox(`/api/legacy/reference/brokers/${brokerIdOf(pair)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `벤치 ${pair}`,
          officeName: '벤치공인중개사사무소',
          regionCodes: ['11740'],
          active: true,
          userId: signedIn[pair * 2 + 1]!.sub,
        }),
      });
    }
    await deadline('data-sync to copy the brokers', 120_000, async () => {
      await this.inbox('/api/functions/data-sync/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ feeds: ['brokers'] }),
      });
      const last = await signedIn[0]!.app.model<{ userId: string | null } | null>('BrokerProfile', 'get', {
        id: brokerIdOf(pairs - 1),
      });
      return last.data?.userId === signedIn.at(-1)!.sub ? true : undefined;
    });

    await inBatches(Array.from({ length: pairs }), 4, async (_, pair) => {
      const buyer = signedIn[pair * 2]!;
      const broker = signedIn[pair * 2 + 1]!;
      const started = await buyer.app.mutation<Conversation>('startConversation', {
        kind: 'DIRECT',
        brokerId: brokerIdOf(pair),
      });
      failIf(started.errors, 'startConversation');
      if (!started.data.memberIds.includes(broker.sub)) {
        throw new Error(`the conversation did not get its broker: ${JSON.stringify(started.data)}`);
      }
      buyer.conversation = started.data;
      broker.conversation = started.data;
    });
  }

  /**
   * Reads the dev inbox's push log every second from where the last read ended (it keeps the last
   * 1,000 pushes, fewer than a long run sends).
   */
  private startCollectingPushes(): void {
    const tokens = new Set(this.users.map((user) => user.token));
    let since = new Date(Date.now() - 1000).toISOString();
    let reading = false;
    this.collecting = setInterval(async () => {
      if (reading) return;
      reading = true;
      try {
        const page = await this.inbox<PushCapture[]>(
          `/api/push?limit=1000&since=${encodeURIComponent(since)}`,
        );
        if (page.length === 1000) this.pushLogOverflowed = true;
        for (const push of page) {
          if (tokens.has(push.token)) this.pushes.set(push.id, push);
          if (push.at > since) since = push.at;
        }
      } catch {
        // The sandbox is stopping; the last read stands.
      } finally {
        reading = false;
      }
    }, 1000);
  }

  stopCollectingPushes(): void {
    clearInterval(this.collecting);
  }

  /**
   * One user sending into their conversation, `paceMs` between starts and never before the
   * previous send answered, until `count` sends or `until` (epoch ms).
   */
  async sendPaced(
    sender: BenchUser,
    options: { paceMs: number; count?: number; until?: number },
    sends: Send[],
  ): Promise<void> {
    const conversationId = sender.conversation!.id;
    let next = Date.now();
    for (let i = 0; options.count === undefined || i < options.count; i++) {
      if (next > Date.now()) await sleep(next - Date.now());
      if (options.until !== undefined && Date.now() >= options.until) return;
      const startedAt = Date.now();
      next = startedAt + options.paceMs;
      const result = await sender.app.mutation<Message | null>('sendMessage', {
        conversationId,
        kind: 'TEXT',
        body: `벤치 메시지 ${i}`,
        clientMessageId: randomUUID(),
      });
      const roundTripMs = Date.now() - startedAt;
      sends.push({
        sender,
        conversationId,
        startedAt,
        roundTripMs,
        ...(result.data?.id ? { messageId: result.data.id } : {}),
        ...(result.errors?.length ? { error: result.errors[0]!.message } : {}),
      });
    }
  }

  /** The other members of the sender's conversation: who must hear a message. */
  recipientsOf(send: Send): BenchUser[] {
    return this.users.filter((user) => user.conversation?.id === send.conversationId && user !== send.sender);
  }

  /** Sends some member has not heard (yet). */
  unheard(sends: readonly Send[]): Send[] {
    return sends.filter(
      (send) =>
        send.messageId !== undefined &&
        this.recipientsOf(send).some((user) => !this.heard.get(send.messageId!)?.has(user.sub)),
    );
  }

  /** Waits until every member heard every sent message, or `ms` passed. */
  async drain(sends: readonly Send[], ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.unheard(sends).length > 0 && Date.now() < until) await sleep(200);
  }

  /** Send start → a member's client heard it, for every member who heard it. */
  deliveryMs(sends: readonly Send[]): number[] {
    return sends.flatMap((send) =>
      send.messageId === undefined
        ? []
        : this.recipientsOf(send).flatMap((user) => {
            const at = this.heard.get(send.messageId!)?.get(user.sub);
            return at === undefined ? [] : [at - send.startedAt];
          }),
    );
  }

  /** When the last member heard the last message of `sends`. */
  lastHeardAt(sends: readonly Send[]): number {
    return Math.max(
      0,
      ...sends.flatMap((send) => [...(this.heard.get(send.messageId ?? '')?.values() ?? [])]),
    );
  }

  private async messagesOf(user: BenchUser): Promise<Message[]> {
    const all: Message[] = [];
    let nextToken: string | null | undefined;
    do {
      const page = await user.app.model<Message[]>(
        'Message',
        'listMessagesByConversation',
        { conversationId: user.conversation!.id },
        { limit: 500, ...(nextToken ? { nextToken } : {}) },
      );
      failIf(page.errors, 'listMessagesByConversation');
      all.push(...page.data);
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  }

  /**
   * Whether every member's unread count and every chat push match the stored messages: one count
   * and one push per message that notifies, for every member but its sender. Waits up to `ms` for
   * the stream and queue consumers to catch up.
   */
  async exactness(
    users: readonly BenchUser[],
    sends: readonly Send[],
    ms: number,
  ): Promise<{ unreadWrong: number; pushesWrong: number; missingMessages: number; settledMs: number }> {
    const startedAt = Date.now();
    const stored = new Map<string, Message[]>();
    for (const user of users) {
      if (!stored.has(user.conversation!.id)) stored.set(user.conversation!.id, await this.messagesOf(user));
    }
    const storedIds = new Set([...stored.values()].flat().map((message) => message.id));
    const missingMessages = sends.filter((send) => send.messageId && !storedIds.has(send.messageId)).length;
    const tokenOf = new Map(users.map((user) => [user.sub, user.token]));
    const expectedPushes = new Map<string, number>();
    const expectedUnread = new Map<BenchUser, number>();
    for (const user of users) {
      const notifying = stored.get(user.conversation!.id)!.filter(notifiesMembers);
      expectedUnread.set(
        user,
        notifying.filter((message) => message.senderId !== user.sub && message.memberIds.includes(user.sub))
          .length,
      );
    }
    for (const message of [...stored.values()].flat().filter(notifiesMembers)) {
      for (const member of message.memberIds) {
        if (member !== message.senderId) expectedPushes.set(`${message.id} ${tokenOf.get(member)}`, 1);
      }
    }

    const check = async () => {
      let unreadWrong = 0;
      for (const user of users) {
        const row = await user.app.model<{ unreadCount: number } | null>('ConversationMember', 'get', {
          conversationId: user.conversation!.id,
          userId: user.sub,
        });
        if (row.data?.unreadCount !== expectedUnread.get(user)) unreadWrong += 1;
      }
      const tokens = new Set(tokenOf.values());
      const counted = new Map<string, number>();
      for (const push of this.pushes.values()) {
        if (push.data?.type !== 'chat.message' || !tokens.has(push.token)) continue;
        const key = `${push.data.messageId} ${push.token}`;
        counted.set(key, (counted.get(key) ?? 0) + 1);
      }
      let pushesWrong = 0;
      for (const key of new Set([...expectedPushes.keys(), ...counted.keys()])) {
        if ((counted.get(key) ?? 0) !== (expectedPushes.get(key) ?? 0)) pushesWrong += 1;
      }
      return { unreadWrong, pushesWrong };
    };
    const until = startedAt + ms;
    for (;;) {
      const result = await check();
      const exact = result.unreadWrong === 0 && result.pushesWrong === 0;
      if (exact || Date.now() > until)
        return { ...result, missingMessages, settledMs: Date.now() - startedAt };
      await sleep(1000);
    }
  }

  close(): void {
    this.stopCollectingPushes();
    for (const user of this.users) user.app.close();
  }
}
