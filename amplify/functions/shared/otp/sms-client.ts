import { type MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { config } from '../config';
import { logger } from '../logger';
import { maskPhone } from './phone';

let sharedClient: SNSClient | undefined;

function snsClient(): SNSClient {
  sharedClient ??= new SNSClient({});
  return sharedClient;
}

export interface SendSmsOptions {
  client?: SNSClient;
  /** Defaults to SMS_SENDER_ID; omitted when unset (Korean carriers ignore it anyway). */
  senderId?: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Sends a transactional SMS through SNS and returns its message id. The number is logged
 * masked and the text is never logged: it holds the sign-in code.
 */
export async function sendSms(
  phoneE164: string,
  text: string,
  options: SendSmsOptions = {},
): Promise<string | undefined> {
  if (!E164.test(phoneE164)) throw new Error('sendSms needs a phone number in E.164 form');
  const client = options.client ?? snsClient();
  const senderId = options.senderId ?? config.smsSenderId();
  const attributes: Record<string, MessageAttributeValue> = {
    'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
  };
  if (senderId) attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: senderId };
  const response = await client.send(
    new PublishCommand({ PhoneNumber: phoneE164, Message: text, MessageAttributes: attributes }),
  );
  logger.info('SMS sent', { to: maskPhone(phoneE164), messageId: response.MessageId, length: text.length });
  return response.MessageId;
}
