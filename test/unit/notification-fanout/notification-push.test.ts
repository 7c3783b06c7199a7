import { describe, expect, it } from 'vitest';
import {
  ADVERTISING_MARK,
  advertisingBody,
  advertisingTitle,
  type NotificationRow,
  notificationBadge,
  notificationPushRequest,
  OPT_OUT_NOTICE,
} from '../../../amplify/functions/notification-fanout/notification-push';
import { parsePushRequest } from '../../../amplify/functions/shared/push/push-request';

const row = (overrides: Partial<NotificationRow> = {}): NotificationRow => ({
  id: 'ntf-1',
  userId: 'user-6b0e',
  type: 'LOWEST_PRICE',
  title: '은마아파트 최저가 알림',
  body: '84㎡ 매물이 23억 5,000만원에 올라왔어요',
  deepLink: 'bootalk://listing/L-77',
  subjectId: 'L-77',
  createdAt: '2026-03-14T03:00:00.000Z',
  ...overrides,
});

describe('advertising content (정보통신망법)', () => {
  it('starts an advertisement title with (광고)', () => {
    expect(advertisingTitle('봄맞이 이벤트')).toBe('(광고) 봄맞이 이벤트');
  });

  it('does not mark a title twice, and moves the mark to the very start', () => {
    expect(advertisingTitle('(광고) 봄맞이 이벤트')).toBe('(광고) 봄맞이 이벤트');
    expect(advertisingTitle('(광고)봄맞이 이벤트')).toBe('(광고)봄맞이 이벤트');
    expect(advertisingTitle('  (광고) 봄맞이')).toBe('(광고) 봄맞이');
  });

  it('marks a title that mentions 광고 elsewhere or in other brackets', () => {
    expect(advertisingTitle('[광고] 봄맞이')).toBe('(광고) [광고] 봄맞이');
    expect(advertisingTitle('봄맞이 (광고)')).toBe('(광고) 봄맞이 (광고)');
  });

  it('ends an advertisement body with how to refuse, unless it says so already', () => {
    expect(advertisingBody('쿠폰을 받아 가세요')).toBe(`쿠폰을 받아 가세요\n${OPT_OUT_NOTICE}`);
    expect(advertisingBody('쿠폰 받기 (수신거부: 마이페이지)')).toBe('쿠폰 받기 (수신거부: 마이페이지)');
  });
});

describe('the push request', () => {
  it('carries an informational notification as written, with everything push-sender needs', () => {
    const request = notificationPushRequest(row(), { advertising: false, badge: 4 });
    expect(request).toEqual({
      version: 1,
      kind: 'alert',
      pushId: 'notification:ntf-1',
      recipientId: 'user-6b0e',
      title: '은마아파트 최저가 알림',
      body: '84㎡ 매물이 23억 5,000만원에 올라왔어요',
      badge: 4,
      deepLink: 'bootalk://listing/L-77',
      collapseKey: 'notification-LOWEST_PRICE-L-77',
      threadId: 'notification-LOWEST_PRICE',
      data: {
        type: 'notification',
        notificationType: 'LOWEST_PRICE',
        notificationId: 'ntf-1',
        deepLink: 'bootalk://listing/L-77',
        advertising: 'false',
      },
      createdAt: '2026-03-14T03:00:00.000Z',
    });
    expect(parsePushRequest(JSON.stringify(request))).toEqual(request);
  });

  it('marks an advertisement in the push only', () => {
    const notification = row({ type: 'MARKETING', title: '봄맞이 이벤트', body: '쿠폰을 받아 가세요' });
    const request = notificationPushRequest(notification, { advertising: true });
    expect(request.title).toBe(`${ADVERTISING_MARK} 봄맞이 이벤트`);
    expect(request.body).toBe(`쿠폰을 받아 가세요\n${OPT_OUT_NOTICE}`);
    expect(request.data.advertising).toBe('true');
    expect(notification.title).toBe('봄맞이 이벤트');
  });

  it('opens the inbox entry when the row has no deep link, and collapses nothing without a subject', () => {
    const request = notificationPushRequest(row({ deepLink: null, subjectId: null }), { advertising: false });
    expect(request.deepLink).toBe('bootalk://notifications/ntf-1');
    expect(request.data.deepLink).toBe('bootalk://notifications/ntf-1');
    expect(request).not.toHaveProperty('collapseKey');
    expect(request).not.toHaveProperty('badge');
    expect(notificationPushRequest(row({ deepLink: '  ' }), { advertising: false }).deepLink).toBe(
      'bootalk://notifications/ntf-1',
    );
  });
});

describe('the badge', () => {
  it('adds the notification when the index does not list it yet', () => {
    expect(notificationBadge({ total: 3, listed: false, notification: {} })).toBe(4);
  });

  it('uses the stored total when the index lists it', () => {
    expect(notificationBadge({ total: 3, listed: true, notification: {} })).toBe(3);
  });

  it('never shows less than 1 for an unread notification', () => {
    expect(notificationBadge({ total: 0, listed: true, notification: { readAt: null } })).toBe(1);
  });

  it('does not add a notification that is already read', () => {
    expect(
      notificationBadge({ total: 2, listed: false, notification: { readAt: '2026-03-14T03:00:01Z' } }),
    ).toBe(2);
  });
});
