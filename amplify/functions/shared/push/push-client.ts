import {
  type APNSMessage,
  type GCMMessage,
  type MessageResult,
  PinpointClient,
  SendMessagesCommand,
} from '@aws-sdk/client-pinpoint';
import { config } from '../config';
import { logger } from '../logger';

/**
 * Push through AWS End User Messaging (the Pinpoint `SendMessages` API) with direct device-token
 * addresses only: Pinpoint endpoints, segments and campaigns ended on 2026-10-30.
 */

export type PushPlatform = 'APNS' | 'APNS_SANDBOX' | 'GCM';

/** SendMessages accepts at most 100 addresses per call. */
export const MAX_ADDRESSES_PER_CALL = 100;

/**
 * APNs refuses a payload over 4,096 bytes (413 PayloadTooLarge) and FCM a message over 4,096
 * bytes: counted in UTF-8 bytes of the RawContent we send, which for FCM includes the envelope
 * and android options, so the count is never below what FCM counts.
 */
export const MAX_PUSH_PAYLOAD_BYTES = 4096;

export { deviceIdForToken } from './device-id';

interface PushContent {
  badge?: number;
  /** Custom keys for the app; FCM only carries string values. */
  data?: Record<string, string>;
  /** Replaces an earlier notification with the same key (APNs collapse id, FCM collapse_key/tag). */
  collapseKey?: string;
}

/** A visible notification (the default kind). */
export interface AlertPayload extends PushContent {
  kind?: 'alert';
  title: string;
  body: string;
  sound?: string;
  /** Groups notifications in the iOS notification centre, e.g. by conversation. */
  threadId?: string;
}

/** A silent update of the app icon's badge: nothing is shown or played. */
export interface BadgePayload extends PushContent {
  kind: 'badge';
}

export type PushPayload = AlertPayload | BadgePayload;

export type PushMessage = PushPayload & { token: string; platform: PushPlatform };

/**
 * - delivered: done
 * - invalid-token: the token is dead, delete the device
 * - token-updated: replace the stored token with `updatedToken`
 * - retry: a temporary failure, send again later
 * - too-large: the payload is over the provider's limit even shortened; a failure, not done
 * - keep-failed: failed for another reason; keep the token
 */
export type PushOutcome =
  | 'delivered'
  | 'invalid-token'
  | 'token-updated'
  | 'retry'
  | 'too-large'
  | 'keep-failed';

/** What became of the send itself, whether or not the result also carries an updated token. */
export type DeliveryOutcome = Exclude<PushOutcome, 'token-updated'>;

export interface PushResult {
  token: string;
  platform: PushPlatform;
  outcome: PushOutcome;
  delivery: DeliveryOutcome;
  deliveryStatus?: string;
  statusCode?: number;
  statusMessage?: string;
  updatedToken?: string;
}

const INVALID_TOKEN_REASONS = [
  'baddevicetoken',
  'unregistered',
  'devicetokennotfortopic',
  'notregistered',
  'invalidregistration',
  'mismatchsenderid',
];

// APNs says PayloadTooLarge (413); FCM's legacy name is MessageTooBig, v1 says the payload is too large.
const TOO_LARGE_REASONS = ['payloadtoolarge', 'messagetoobig', 'too large', 'too big'];

const RETRY_STATUSES = new Set(['THROTTLED', 'TEMPORARY_FAILURE', 'TIMEOUT', 'UNKNOWN_FAILURE']);

type ResultFields = Pick<MessageResult, 'DeliveryStatus' | 'StatusMessage' | 'UpdatedToken'> & {
  reason?: string;
};

/** What to do with a token after one SendMessages result for it. */
export function classifyPushResult(result: ResultFields): PushOutcome {
  return result.UpdatedToken ? 'token-updated' : classifyDelivery(result);
}

/**
 * The send's own outcome, from DeliveryStatus and its reason; an updated token does not change it
 * (a SUCCESSFUL result with an UpdatedToken was delivered, a THROTTLED one still needs a retry).
 */
export function classifyDelivery(result: ResultFields): DeliveryOutcome {
  const status = result.DeliveryStatus;
  if (status === 'SUCCESSFUL') return 'delivered';
  if (status === 'PERMANENT_FAILURE') {
    const reason = `${result.StatusMessage ?? ''} ${result.reason ?? ''}`.toLowerCase();
    if (INVALID_TOKEN_REASONS.some((invalid) => reason.includes(invalid))) return 'invalid-token';
    return TOO_LARGE_REASONS.some((tooLarge) => reason.includes(tooLarge)) ? 'too-large' : 'keep-failed';
  }
  if (status === undefined || RETRY_STATUSES.has(status)) return 'retry';
  // OPT_OUT, DUPLICATE: not sent, but nothing wrong with the token.
  return 'keep-failed';
}

/** Splits tokens into groups of at most `size`, in order. */
export function chunkAddresses<T>(tokens: readonly T[], size = MAX_ADDRESSES_PER_CALL): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('chunk size must be a positive integer');
  const chunks: T[][] = [];
  for (let start = 0; start < tokens.length; start += size) chunks.push(tokens.slice(start, start + size));
  return chunks;
}

/**
 * The APNs message. An alert: `aps` alert with badge, sound and thread-id, custom data beside it.
 * A badge update: an alert-type push whose `aps` holds only the badge, which iOS applies without
 * showing anything. Not a background push (`content-available`, apns-push-type background): its
 * `aps` may hold nothing but content-available, so it cannot set the badge, and iOS throttles such
 * pushes (Apple: no more than two or three an hour) and drops them for an app the user force-quit.
 */
export function apnsMessage(payload: PushPayload): APNSMessage {
  const collapse = payload.collapseKey ? { CollapseId: payload.collapseKey } : {};
  if (payload.kind === 'badge') {
    const aps = payload.badge === undefined ? {} : { badge: payload.badge };
    return {
      APNSPushType: 'alert',
      // Nothing to show: delivered when convenient for the battery.
      Priority: '5',
      RawContent: JSON.stringify({ ...payload.data, aps }),
      ...collapse,
    };
  }
  const aps: Record<string, unknown> = { alert: { title: payload.title, body: payload.body } };
  if (payload.badge !== undefined) aps.badge = payload.badge;
  if (payload.sound !== undefined) aps.sound = payload.sound;
  if (payload.threadId !== undefined) aps['thread-id'] = payload.threadId;
  return {
    APNSPushType: 'alert',
    Priority: '10',
    RawContent: JSON.stringify({ ...payload.data, aps }),
    ...collapse,
  };
}

/**
 * The FCM HTTP v1 message. An alert: notification title/body, string data, android collapse_key
 * and tag. A badge update: a data message (no `notification`, so Android shows nothing; the app
 * reads `data.badge`), at normal priority since nothing is shown.
 */
export function fcmMessage(payload: PushPayload): GCMMessage {
  const android: Record<string, unknown> = { priority: payload.kind === 'badge' ? 'normal' : 'high' };
  if (payload.collapseKey) android.collapse_key = payload.collapseKey;
  let message: Record<string, unknown>;
  if (payload.kind === 'badge') {
    const badge = payload.badge === undefined ? {} : { badge: String(payload.badge) };
    message = { data: { ...payload.data, ...badge }, android };
  } else {
    const androidNotification: Record<string, unknown> = {};
    if (payload.collapseKey) androidNotification.tag = payload.collapseKey;
    if (payload.sound) androidNotification.sound = payload.sound;
    if (payload.badge !== undefined) androidNotification.notification_count = payload.badge;
    if (Object.keys(androidNotification).length > 0) android.notification = androidNotification;
    message = {
      notification: { title: payload.title, body: payload.body },
      ...(payload.data ? { data: payload.data } : {}),
      android,
    };
  }
  return {
    PreferredAuthenticationMethod: 'TOKEN',
    RawContent: JSON.stringify({ fcmV1Message: { message } }),
  };
}

/** The RawContent this payload becomes on the platform. */
function rawContentOf(payload: PushPayload, platform: PushPlatform): string {
  return (platform === 'GCM' ? fcmMessage(payload) : apnsMessage(payload)).RawContent ?? '';
}

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter('ko', { granularity: 'grapheme' });

/** The longest start of `text`, in whole characters (graphemes), for which `fits` holds; undefined if none. */
function longestFitting(text: string, fits: (candidate: string) => boolean): string | undefined {
  const parts = Array.from(graphemes.segment(text), (part) => part.segment);
  const cut = (count: number) => `${parts.slice(0, count).join('').trimEnd()}${ELLIPSIS}`;
  if (!fits(cut(0))) return undefined;
  let low = 0;
  let high = parts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(cut(middle))) low = middle;
    else high = middle - 1;
  }
  return cut(low);
}

/**
 * The payload as it fits the platform's limit (MAX_PUSH_PAYLOAD_BYTES of RawContent): an alert's
 * body is shortened first, then its title, each cut between characters and ended with `…`.
 * Undefined when even that is too large (the data alone is): such a push is not sent.
 */
export function fitPushPayload(payload: PushPayload, platform: PushPlatform): PushPayload | undefined {
  const fits = (candidate: PushPayload) =>
    Buffer.byteLength(rawContentOf(candidate, platform), 'utf8') <= MAX_PUSH_PAYLOAD_BYTES;
  if (fits(payload)) return payload;
  if (payload.kind === 'badge') return undefined;
  const body = longestFitting(payload.body, (candidate) => fits({ ...payload, body: candidate }));
  if (body !== undefined) return { ...payload, body };
  const title = longestFitting(payload.title, (candidate) =>
    fits({ ...payload, title: candidate, body: ELLIPSIS }),
  );
  return title === undefined ? undefined : { ...payload, title, body: ELLIPSIS };
}

function payloadOf(message: PushMessage): PushPayload {
  const { token: _token, platform: _platform, ...payload } = message;
  return payload as PushPayload;
}

/** Indexes of the messages with the same platform and payload, which share SendMessages calls. */
function groupBySamePayload(messages: readonly PushMessage[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const key = JSON.stringify([message.platform, payloadOf(message)]);
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  return groups;
}

let sharedClient: PinpointClient | undefined;

function pinpointClient(): PinpointClient {
  sharedClient ??= new PinpointClient({});
  return sharedClient;
}

export interface SendPushOptions {
  applicationId?: string;
  messages: readonly PushMessage[];
  client?: PinpointClient;
}

/**
 * Sends every message, ≤ 100 addresses per SendMessages call, and returns one classified result
 * per message, in the order of `messages`. A failed call marks its tokens `retry` rather than
 * throwing.
 */
export async function sendPush(options: SendPushOptions): Promise<PushResult[]> {
  if (options.messages.length === 0) return [];
  const client = options.client ?? pinpointClient();
  const applicationId = options.applicationId ?? config.pushApplicationId();
  const results: PushResult[] = new Array(options.messages.length);
  // Shortened to the providers' limit; what cannot fit is not sent and fails (too-large).
  const messages = options.messages.map((message) => {
    const fitted = fitPushPayload(payloadOf(message), message.platform);
    return fitted && { ...fitted, token: message.token, platform: message.platform };
  });
  messages.forEach((message, index) => {
    if (message) return;
    const { token, platform } = options.messages[index]!;
    logger.error('A push payload is over the provider limit even shortened; not sent', { platform });
    results[index] = {
      token,
      platform,
      outcome: 'too-large',
      delivery: 'too-large',
      statusMessage: `PayloadTooLarge: over ${MAX_PUSH_PAYLOAD_BYTES} bytes (not sent)`,
    };
  });
  const sendable = messages.flatMap((message, index) => (message ? [{ message, index }] : []));
  for (const group of groupBySamePayload(sendable.map(({ message }) => message)).values()) {
    const first = sendable[group[0]!]!.message;
    const platform = first.platform;
    const payload = payloadOf(first);
    // Indexes into options.messages, where the results go.
    const indexes = group.map((position) => sendable[position]!.index);
    for (const chunk of chunkAddresses(indexes)) {
      const tokenOf = (index: number) => options.messages[index]!.token;
      const addresses = Object.fromEntries(chunk.map((index) => [tokenOf(index), { ChannelType: platform }]));
      try {
        const response = await client.send(
          new SendMessagesCommand({
            ApplicationId: applicationId,
            MessageRequest: {
              Addresses: addresses,
              MessageConfiguration:
                platform === 'GCM'
                  ? { GCMMessage: fcmMessage(payload) }
                  : { APNSMessage: apnsMessage(payload) },
            },
          }),
        );
        const byToken = response.MessageResponse?.Result ?? {};
        for (const index of chunk) {
          const token = tokenOf(index);
          const result = byToken[token];
          results[index] = {
            token,
            platform,
            outcome: result ? classifyPushResult(result) : 'retry',
            delivery: result ? classifyDelivery(result) : 'retry',
            deliveryStatus: result?.DeliveryStatus,
            statusCode: result?.StatusCode,
            statusMessage: result?.StatusMessage,
            updatedToken: result?.UpdatedToken,
          };
        }
      } catch (error) {
        logger.warn('SendMessages failed; the chunk will be retried', {
          platform,
          addresses: chunk.length,
          error,
        });
        for (const index of chunk) {
          results[index] = { token: tokenOf(index), platform, outcome: 'retry', delivery: 'retry' };
        }
      }
    }
  }
  return results;
}
