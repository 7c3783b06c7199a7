import { SendMessageCommand, type SendMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentRecordError } from '../../../../amplify/functions/shared/errors';
import {
  NOTICE_LIMITS,
  type NoticeRequest,
  parseNoticeRequest,
  queueNotice,
} from '../../../../amplify/functions/shared/notifications/notice-request';

const QUEUE_URL = 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/dev-notice';
const sqs = mockClient(SQSClient);

const TITLE = '서비스 점검 안내';
const BODY = '3월 15일 02:00–04:00 서비스 점검이 있습니다.';

function notice(overrides: Partial<Record<keyof NoticeRequest, unknown>> = {}): Record<string, unknown> {
  return {
    version: 1,
    noticeId: 'N-2026-0314-01',
    title: TITLE,
    body: BODY,
    deepLink: 'bootalk://notice/N-2026-0314-01',
    segment: { roles: ['BROKER'], regionCodes: ['11680'] },
    publishedAt: '2026-03-14T09:00:00+09:00',
    ...overrides,
  };
}

const parse = (value: unknown) => parseNoticeRequest(JSON.stringify(value));

function problemOf(value: unknown): string {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(PermanentRecordError);
    return (error as Error).message;
  }
  throw new Error('the notice was accepted');
}

describe('parseNoticeRequest', () => {
  it('reads a valid notice back', () => {
    expect(parse(notice())).toEqual(notice());
  });

  it('accepts "ALL" and a notice without a deep link', () => {
    const { deepLink: _omitted, ...rest } = notice({ segment: 'ALL' });
    expect(parse(rest)).toEqual({ ...rest, segment: 'ALL' });
  });

  it('trims the title and body and drops repeated roles and region codes', () => {
    const parsed = parse(
      notice({
        title: `  ${TITLE}\n`,
        body: ` ${BODY} `,
        segment: { roles: ['USER', 'USER', 'BROKER'], regionCodes: ['11', '11'] },
      }),
    );
    expect(parsed.title).toBe(TITLE);
    expect(parsed.body).toBe(BODY);
    expect(parsed.segment).toEqual({ roles: ['USER', 'BROKER'], regionCodes: ['11'] });
  });

  it('accepts region codes of 2, 5, 8 and 10 digits', () => {
    const regionCodes = ['11', '11680', '11680103', '1168010300'];
    expect(parse(notice({ segment: { regionCodes } })).segment).toEqual({ regionCodes });
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['not an object', '[1]'],
    ['null', 'null'],
  ])('refuses a body that is %s, for good', (_case, body) => {
    expect(() => parseNoticeRequest(body)).toThrow(PermanentRecordError);
  });

  it.each([
    ['version', { version: 2 }, 'version'],
    ['a missing noticeId', { noticeId: undefined }, 'noticeId'],
    ['a noticeId with a space', { noticeId: 'N 1' }, 'noticeId'],
    ['a noticeId of 129 characters', { noticeId: 'n'.repeat(129) }, 'noticeId'],
    ['a blank title', { title: '   ' }, 'title'],
    ['a title too long', { title: '가'.repeat(NOTICE_LIMITS.titleMax + 1) }, 'title'],
    ['a numeric body', { body: 42 }, 'body'],
    ['a body too long', { body: 'x'.repeat(NOTICE_LIMITS.bodyMax + 1) }, 'body'],
    ['an http deep link', { deepLink: 'http://bootalk.co.kr/notice/1' }, 'deepLink'],
    ['a javascript deep link', { deepLink: 'javascript:alert(1)' }, 'deepLink'],
    ['a deep link that is no URL', { deepLink: 'notice/1' }, 'deepLink'],
    ['a missing segment', { segment: undefined }, 'segment'],
    ['an empty segment', { segment: {} }, 'segment needs roles or regionCodes'],
    ['a segment of the wrong type', { segment: 'BROKERS' }, 'segment'],
    ['an unknown role', { segment: { roles: ['OWNER'] } }, 'segment.roles'],
    ['an empty role list', { segment: { roles: [] } }, 'segment.roles'],
    ['a region code of 3 digits', { segment: { regionCodes: ['116'] } }, 'segment.regionCodes'],
    ['a region name', { segment: { regionCodes: ['강남구'] } }, 'segment.regionCodes'],
    [
      'too many region codes',
      { segment: { regionCodes: Array.from({ length: 101 }, (_, i) => String(10 + (i % 80))) } },
      'segment.regionCodes',
    ],
    ['a publishedAt without an offset', { publishedAt: '2026-03-14T09:00:00' }, 'publishedAt'],
    ['a publishedAt that is no date', { publishedAt: 'yesterday' }, 'publishedAt'],
  ])('refuses %s, naming the field', (_case, overrides, field) => {
    expect(problemOf(notice(overrides))).toContain(field);
  });

  it('names the fields but never repeats the notice text', () => {
    const message = problemOf(notice({ version: 3, title: '', body: `${BODY}${'!'.repeat(2000)}` }));
    expect(message).toContain('version');
    expect(message).toContain('title');
    expect(message).not.toContain(BODY);
  });
});

describe('queueNotice', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  });

  it('sends the notice as JSON that parses back to the same notice', async () => {
    const request = parse(notice());
    await queueNotice(QUEUE_URL, request, new SQSClient({ region: 'ap-northeast-2' }));
    const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input as SendMessageCommandInput;
    expect(input.QueueUrl).toBe(QUEUE_URL);
    expect(parseNoticeRequest(input.MessageBody!)).toEqual(request);
    expect(input.MessageAttributes?.noticeId?.StringValue).toBe('N-2026-0314-01');
  });
});
