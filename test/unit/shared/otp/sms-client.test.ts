import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../../amplify/functions/shared/logger';
import { sendSms } from '../../../../amplify/functions/shared/otp/sms-client';

const sns = mockClient(SNSClient);
const client = new SNSClient({ region: 'ap-northeast-2' });

describe('sendSms', () => {
  let output: string[];
  beforeEach(() => {
    sns.reset();
    // The suite runs at ERROR; what is logged at INFO is the point here.
    logger.setLogLevel('INFO');
    output = [];
    const capture = (chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel('ERROR');
    delete process.env.SMS_SENDER_ID;
  });

  it('publishes a transactional SMS to the phone number and returns the message id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sms-1' });
    await expect(sendSms('+821012345678', '[부톡] 인증번호 [482913]', { client })).resolves.toBe('sms-1');
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      PhoneNumber: '+821012345678',
      Message: '[부톡] 인증번호 [482913]',
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    });
  });

  it('adds the sender id from SMS_SENDER_ID when it is set', async () => {
    process.env.SMS_SENDER_ID = 'BOOTALK';
    sns.on(PublishCommand).resolves({ MessageId: 'sms-2' });
    await sendSms('+821012345678', 'hi', { client });
    expect(
      sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes?.['AWS.SNS.SMS.SenderID'],
    ).toEqual({
      DataType: 'String',
      StringValue: 'BOOTALK',
    });
  });

  it('never logs the text or the unmasked number', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sms-3' });
    await sendSms('+821012345678', '[부톡] 인증번호 [482913]', { client });
    const logged = output.join('');
    expect(logged).toContain('+82 10-****-5678');
    expect(logged).not.toContain('482913');
    expect(logged).not.toContain('+821012345678');
  });

  it('refuses a number that is not E.164 without calling SNS', async () => {
    await expect(sendSms('010-1234-5678', 'hi', { client })).rejects.toThrow(/E\.164/);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('lets an SNS failure reach the caller', async () => {
    sns.on(PublishCommand).rejects(new Error('Throttling'));
    await expect(sendSms('+821012345678', 'hi', { client })).rejects.toThrow('Throttling');
  });
});
