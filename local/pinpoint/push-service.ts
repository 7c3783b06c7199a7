import { randomUUID } from 'node:crypto';
import type { CaptureLog } from '../contracts';
import { AwsError } from '../gateway/protocols';
import type { PushCapture } from '../inbox/captures';

/** The parts of Pinpoint's MessageRequest the sandbox reads (the SendMessages body). */
export interface MessageRequest {
  Addresses?: Record<string, { ChannelType?: string; [key: string]: unknown }>;
  Endpoints?: Record<string, unknown>;
  MessageConfiguration?: MessageConfiguration;
  TraceId?: string;
}

interface PushFields {
  Title?: string;
  Body?: string;
  Badge?: number;
  Data?: Record<string, unknown>;
  RawContent?: string;
}

export interface MessageConfiguration {
  APNSMessage?: PushFields;
  GCMMessage?: PushFields;
  DefaultPushNotificationMessage?: PushFields;
  DefaultMessage?: { Body?: string };
  [channel: string]: unknown;
}

export interface MessageResult {
  DeliveryStatus: string;
  StatusCode: number;
  StatusMessage: string;
  MessageId?: string;
  UpdatedToken?: string;
}

const PUSH_CHANNELS = new Set([
  'APNS',
  'APNS_SANDBOX',
  'APNS_VOIP',
  'APNS_VOIP_SANDBOX',
  'GCM',
  'BAIDU',
  'ADM',
]);

/**
 * End User Messaging push (Pinpoint SendMessages to device tokens). Nothing leaves the machine:
 * delivered pushes go to a capture log. Token prefixes act out the provider's answers so token
 * cleanup can be tested: `invalid-` (token dead), `throttled-` (try later), `rotate-` (new token).
 */
export class PushService {
  private readonly apps = new Set<string>();
  private readonly captures: CaptureLog<PushCapture>;

  constructor(options: { captures: CaptureLog<PushCapture> }) {
    this.captures = options.captures;
  }

  createApp(applicationId: string): void {
    this.apps.add(applicationId);
  }

  hasApp(applicationId: string): boolean {
    return this.apps.has(applicationId);
  }

  /** One result per address, as in SendMessages' MessageResponse.Result. */
  sendMessages(applicationId: string, request: MessageRequest): Record<string, MessageResult> {
    if (!this.apps.has(applicationId)) {
      throw new AwsError('NotFoundException', `Application not found: ${applicationId}`, { status: 404 });
    }
    if (request.Endpoints && Object.keys(request.Endpoints).length > 0) {
      throw new AwsError(
        'BadRequestException',
        'the local sandbox sends to Addresses (device tokens) only, not Endpoints',
      );
    }
    const addresses = request.Addresses ?? {};
    if (Object.keys(addresses).length === 0) {
      throw new AwsError('BadRequestException', 'Addresses must hold at least one device token');
    }
    if (Object.keys(addresses).length > 100) {
      throw new AwsError('BadRequestException', 'A request can have at most 100 addresses');
    }
    const results: Record<string, MessageResult> = {};
    for (const [token, { ChannelType: channelType = '' }] of Object.entries(addresses)) {
      results[token] = this.deliver(applicationId, token, channelType, request.MessageConfiguration ?? {});
    }
    return results;
  }

  private deliver(
    applicationId: string,
    token: string,
    channelType: string,
    configuration: MessageConfiguration,
  ): MessageResult {
    const isApns = channelType.startsWith('APNS');
    if (!PUSH_CHANNELS.has(channelType)) {
      return {
        DeliveryStatus: 'PERMANENT_FAILURE',
        StatusCode: 400,
        StatusMessage: `the local sandbox only delivers push channels, not ${channelType || 'a missing ChannelType'}`,
      };
    }
    const tooLarge = payloadTooLarge(isApns, configuration);
    if (tooLarge) return tooLarge;
    if (token.startsWith('invalid-')) {
      return isApns
        ? { DeliveryStatus: 'PERMANENT_FAILURE', StatusCode: 410, StatusMessage: 'BadDeviceToken' }
        : { DeliveryStatus: 'PERMANENT_FAILURE', StatusCode: 404, StatusMessage: 'NotRegistered' };
    }
    if (token.startsWith('throttled-')) {
      return { DeliveryStatus: 'THROTTLED', StatusCode: 429, StatusMessage: 'TooManyRequests' };
    }
    const messageId = randomUUID();
    const content = pushContent(isApns, configuration);
    this.captures.add({
      id: messageId,
      applicationId,
      token,
      channelType,
      ...content,
      status: 'SUCCESSFUL',
      raw: configuration,
      at: new Date().toISOString(),
    });
    return {
      DeliveryStatus: 'SUCCESSFUL',
      StatusCode: 200,
      StatusMessage: `MessageId: ${messageId}`,
      MessageId: messageId,
      ...(token.startsWith('rotate-') ? { UpdatedToken: `rotated-${token.slice('rotate-'.length)}` } : {}),
    };
  }
}

type PushContent = Pick<PushCapture, 'title' | 'body' | 'badge' | 'data'>;

/** APNs: the payload (4,096 bytes); FCM: the notification and data of the message (4,096 bytes). */
export const MAX_PUSH_PAYLOAD_BYTES = 4096;

/**
 * The provider's refusal of a payload over its limit, as End User Messaging reports it (APNs 413
 * PayloadTooLarge, FCM MessageTooBig), or undefined when it fits.
 */
function payloadTooLarge(isApns: boolean, configuration: MessageConfiguration): MessageResult | undefined {
  const fields = (isApns ? configuration.APNSMessage : configuration.GCMMessage) ??
    configuration.DefaultPushNotificationMessage ?? { Body: configuration.DefaultMessage?.Body };
  const raw = parseJson(fields.RawContent);
  let counted: unknown;
  if (isApns) {
    counted = raw ?? {
      ...fields.Data,
      aps: { alert: { title: fields.Title, body: fields.Body }, badge: fields.Badge },
    };
  } else {
    const message = raw ? (asRecord(asRecord(raw.fcmV1Message)?.message) ?? raw) : undefined;
    counted = message
      ? { notification: message.notification, data: message.data }
      : { notification: { title: fields.Title, body: fields.Body }, data: fields.Data };
  }
  const bytes = Buffer.byteLength(JSON.stringify(counted), 'utf8');
  if (bytes <= MAX_PUSH_PAYLOAD_BYTES) return undefined;
  return isApns
    ? { DeliveryStatus: 'PERMANENT_FAILURE', StatusCode: 413, StatusMessage: 'PayloadTooLarge' }
    : { DeliveryStatus: 'PERMANENT_FAILURE', StatusCode: 400, StatusMessage: 'MessageTooBig' };
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const asRecord = (value: unknown) =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
const asString = (value: unknown) => (typeof value === 'string' ? value : undefined);
const asNumber = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** Title, body, badge and data as the device would show them, from the fields or the RawContent. */
function pushContent(isApns: boolean, configuration: MessageConfiguration): PushContent {
  const fields = (isApns ? configuration.APNSMessage : configuration.GCMMessage) ??
    configuration.DefaultPushNotificationMessage ?? { Body: configuration.DefaultMessage?.Body };
  const raw = parseJson(fields.RawContent);
  if (!raw) return { title: fields.Title, body: fields.Body, badge: fields.Badge, data: fields.Data };
  if (isApns) {
    const { aps, ...data } = raw;
    const apsRecord = asRecord(aps);
    const alert = apsRecord?.alert;
    return {
      title: asString(asRecord(alert)?.title),
      body: typeof alert === 'string' ? alert : asString(asRecord(alert)?.body),
      badge: asNumber(apsRecord?.badge),
      data,
    };
  }
  // FCM HTTP v1 (`fcmV1Message.message`) or the legacy GCM shape (`notification`, `data`).
  const message = asRecord(asRecord(raw.fcmV1Message)?.message) ?? raw;
  const notification = asRecord(message.notification);
  const androidNotification = asRecord(asRecord(message.android)?.notification);
  return {
    title: asString(notification?.title),
    body: asString(notification?.body),
    badge: asNumber(androidNotification?.notification_count),
    data: asRecord(message.data),
  };
}
