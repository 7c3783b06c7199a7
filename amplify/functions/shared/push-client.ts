import {
  type APNSMessage,
  type GCMMessage,
  type MessageResult,
  PinpointClient,
  SendMessagesCommand,
} from '@aws-sdk/client-pinpoint';
import { config } from './config';
import { logger } from './logger';

/**
 * Push through AWS End User Messaging (the Pinpoint `SendMessages` API) with direct device-token
 * addresses only: Pinpoint endpoints, segments and campaigns ended on 2026-10-30.
 */

export type PushPlatform = 'APNS' | 'APNS_SANDBOX' | 'GCM';

/** SendMessages accepts at most 100 addresses per call. */
export const MAX_ADDRESSES_PER_CALL = 100;

export interface PushMessage {
  token: string;
  platform: PushPlatform;
  title: string;
  body: string;
  badge?: number;
  sound?: string;
  /** Custom keys for the app; FCM only carries string values. */
  data?: Record<string, string>;
  /** Replaces an earlier notification with the same key (APNs collapse id, FCM collapse_key/tag). */
  collapseKey?: string;
  /** Groups notifications in the iOS notification centre, e.g. by conversation. */
  threadId?: string;
}

/**
 * - delivered: done
 * - invalid-token: the token is dead, delete the device
 * - token-updated: replace the stored token with `updatedToken`
 * - retry: a temporary failure, send again later
 * - keep-failed: failed for another reason; keep the token
 */
export type PushOutcome = 'delivered' | 'invalid-token' | 'token-updated' | 'retry' | 'keep-failed';

export interface PushResult {
  token: string;
  platform: PushPlatform;
  outcome: PushOutcome;
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

const RETRY_STATUSES = new Set(['THROTTLED', 'TEMPORARY_FAILURE', 'TIMEOUT', 'UNKNOWN_FAILURE']);

/** What to do with a token after one SendMessages result for it. */
export function classifyPushResult(
  result: Pick<MessageResult, 'DeliveryStatus' | 'StatusMessage' | 'UpdatedToken'> & { reason?: string },
): PushOutcome {
  if (result.UpdatedToken) return 'token-updated';
  const status = result.DeliveryStatus;
  if (status === 'SUCCESSFUL') return 'delivered';
  if (status === 'PERMANENT_FAILURE') {
    const reason = `${result.StatusMessage ?? ''} ${result.reason ?? ''}`.toLowerCase();
    return INVALID_TOKEN_REASONS.some((invalid) => reason.includes(invalid))
      ? 'invalid-token'
      : 'keep-failed';
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

type PushPayload = Omit<PushMessage, 'token' | 'platform'>;

/** The APNs message: an `aps` alert with badge, sound and thread-id, custom data beside it. */
export function apnsMessage(payload: PushPayload): APNSMessage {
  const aps: Record<string, unknown> = { alert: { title: payload.title, body: payload.body } };
  if (payload.badge !== undefined) aps.badge = payload.badge;
  if (payload.sound !== undefined) aps.sound = payload.sound;
  if (payload.threadId !== undefined) aps['thread-id'] = payload.threadId;
  return {
    APNSPushType: 'alert',
    Priority: '10',
    RawContent: JSON.stringify({ ...payload.data, aps }),
    ...(payload.collapseKey ? { CollapseId: payload.collapseKey } : {}),
  };
}

/** The FCM HTTP v1 message: notification title/body, string data, android collapse_key and tag. */
export function fcmMessage(payload: PushPayload): GCMMessage {
  const android: Record<string, unknown> = { priority: 'high' };
  const androidNotification: Record<string, unknown> = {};
  if (payload.collapseKey) {
    android.collapse_key = payload.collapseKey;
    androidNotification.tag = payload.collapseKey;
  }
  if (payload.sound) androidNotification.sound = payload.sound;
  if (payload.badge !== undefined) androidNotification.notification_count = payload.badge;
  if (Object.keys(androidNotification).length > 0) android.notification = androidNotification;
  const message = {
    notification: { title: payload.title, body: payload.body },
    ...(payload.data ? { data: payload.data } : {}),
    android,
  };
  return {
    PreferredAuthenticationMethod: 'TOKEN',
    RawContent: JSON.stringify({ fcmV1Message: { message } }),
  };
}

function payloadOf(message: PushMessage): PushPayload {
  const { token: _token, platform: _platform, ...payload } = message;
  return payload;
}

/** Messages with the same platform and payload share SendMessages calls. */
function groupBySamePayload(messages: readonly PushMessage[]): Map<string, PushMessage[]> {
  const groups = new Map<string, PushMessage[]>();
  for (const message of messages) {
    const key = JSON.stringify([message.platform, payloadOf(message)]);
    const group = groups.get(key);
    if (group) group.push(message);
    else groups.set(key, [message]);
  }
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
 * per message. A failed call marks its tokens `retry` rather than throwing.
 */
export async function sendPush(options: SendPushOptions): Promise<PushResult[]> {
  if (options.messages.length === 0) return [];
  const client = options.client ?? pinpointClient();
  const applicationId = options.applicationId ?? config.pushApplicationId();
  const results: PushResult[] = [];
  for (const group of groupBySamePayload(options.messages).values()) {
    const first = group[0]!;
    const platform = first.platform;
    const payload = payloadOf(first);
    for (const chunk of chunkAddresses(group)) {
      const addresses = Object.fromEntries(
        chunk.map((message) => [message.token, { ChannelType: platform }]),
      );
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
        for (const message of chunk) {
          const result = byToken[message.token];
          results.push({
            token: message.token,
            platform,
            outcome: result ? classifyPushResult(result) : 'retry',
            deliveryStatus: result?.DeliveryStatus,
            statusCode: result?.StatusCode,
            statusMessage: result?.StatusMessage,
            updatedToken: result?.UpdatedToken,
          });
        }
      } catch (error) {
        logger.warn('SendMessages failed; the chunk will be retried', {
          platform,
          addresses: chunk.length,
          error,
        });
        for (const message of chunk) results.push({ token: message.token, platform, outcome: 'retry' });
      }
    }
  }
  return results;
}
