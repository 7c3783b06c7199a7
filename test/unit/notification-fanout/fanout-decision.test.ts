import { afterEach, describe, expect, it } from 'vitest';
import {
  advertisingTypesFrom,
  type Consents,
  decideFanout,
  decideForRecipient,
  isAdvertisingNight,
  NOTIFICATION_TYPES,
} from '../../../amplify/functions/notification-fanout/fanout-decision';
import { config, InvalidConfigError } from '../../../amplify/functions/shared/config';

/** A wall-clock time in Korea (UTC+9) as an instant. */
const kst = (localTime: string) => new Date(`${localTime}+09:00`);

const ADVERTISING = advertisingTypesFrom(['MARKETING']);
const INFORMATIONAL = NOTIFICATION_TYPES.filter((type) => type !== 'MARKETING');
const MARKETING_ONLY: Consents = { marketing: true, nightPush: false };
const BOTH: Consents = { marketing: true, nightPush: true };

const decide = (type: string, consents: Consents | null | undefined, now: Date) =>
  decideFanout({ type, consents, now, advertisingTypes: ADVERTISING });

describe('the night rule (21:00–08:00 KST)', () => {
  it.each([
    ['2026-03-14T20:59:00', true, 'advertising-consented'],
    ['2026-03-14T20:59:59.999', true, 'advertising-consented'],
    ['2026-03-14T21:00:00', false, 'night-without-night-consent'],
    ['2026-03-15T00:00:00', false, 'night-without-night-consent'],
    ['2026-03-15T07:59:00', false, 'night-without-night-consent'],
    ['2026-03-15T07:59:59.999', false, 'night-without-night-consent'],
    ['2026-03-15T08:00:00', true, 'advertising-consented'],
  ])('at %s KST pushes an advertisement with marketing consent only: %s', (time, push, reason) => {
    expect(decide('MARKETING', MARKETING_ONLY, kst(time))).toEqual({ push, advertising: true, reason });
  });

  it.each(['2026-03-14T20:59:00', '2026-03-14T21:00:00', '2026-03-15T07:59:00', '2026-03-15T08:00:00'])(
    'at %s KST pushes an advertisement to a user with the night-time consent too',
    (time) => {
      expect(decide('MARKETING', BOTH, kst(time)).push).toBe(true);
    },
  );

  it('gives the night-time consent as the reason at night, the marketing consent by day', () => {
    expect(decide('MARKETING', BOTH, kst('2026-03-14T21:00:00')).reason).toBe(
      'advertising-at-night-consented',
    );
    expect(decide('MARKETING', BOTH, kst('2026-03-14T12:00:00')).reason).toBe('advertising-consented');
  });

  it.each(['2026-03-14T20:59:00', '2026-03-14T21:00:00', '2026-03-15T07:59:00', '2026-03-15T08:00:00'])(
    'at %s KST pushes every informational type without any consent',
    (time) => {
      for (const type of INFORMATIONAL)
        expect(decide(type, {}, kst(time))).toEqual({
          push: true,
          advertising: false,
          reason: 'informational',
        });
    },
  );

  it('counts Korean hours, not the server clock: 12:00 UTC is 21:00 in Seoul', () => {
    expect(isAdvertisingNight(new Date('2026-03-14T11:59:59.999Z'))).toBe(false);
    expect(isAdvertisingNight(new Date('2026-03-14T12:00:00.000Z'))).toBe(true);
    expect(isAdvertisingNight(new Date('2026-03-14T22:59:59.999Z'))).toBe(true);
    expect(isAdvertisingNight(new Date('2026-03-14T23:00:00.000Z'))).toBe(false);
  });

  it('is night for exactly the hours 21, 22, 23 and 0 to 7 KST', () => {
    const nightHours = Array.from({ length: 24 }, (_, hour) => hour).filter((hour) =>
      isAdvertisingNight(kst(`2026-07-01T${String(hour).padStart(2, '0')}:30:00`)),
    );
    expect(nightHours).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 21, 22, 23]);
  });
});

describe('consents', () => {
  const noon = kst('2026-03-14T12:00:00');
  const night = kst('2026-03-14T23:00:00');

  it.each([
    ['no consents at all', undefined],
    ['null consents', null],
    ['an empty consents object', {}],
    ['marketing refused', { marketing: false, nightPush: false }],
    ['marketing null', { marketing: null, nightPush: true }],
  ])('keeps an advertisement in the inbox by day with %s', (_case, consents) => {
    expect(decide('MARKETING', consents as Consents | null | undefined, noon)).toEqual({
      push: false,
      advertising: true,
      reason: 'no-marketing-consent',
    });
  });

  it('does not let the night-time consent stand in for the marketing consent', () => {
    expect(decide('MARKETING', { marketing: false, nightPush: true }, night)).toMatchObject({
      push: false,
      reason: 'no-marketing-consent',
    });
  });

  it('needs the consent to be exactly true, not a truthy value', () => {
    const stringly = { marketing: 'true', nightPush: 'true' } as unknown as Consents;
    expect(decide('MARKETING', stringly, noon).push).toBe(false);
    expect(decide('MARKETING', { marketing: true, nightPush: 1 as unknown as boolean }, night).push).toBe(
      false,
    );
  });

  it('pushes informational notifications even to a user who refused marketing', () => {
    expect(decide('BROKER_ASSIGNED', { marketing: false, nightPush: false }, night).push).toBe(true);
  });
});

describe('which types are advertising', () => {
  const noon = kst('2026-03-14T12:00:00');

  it('treats a configured type as advertising', () => {
    const advertisingTypes = advertisingTypesFrom(['PRESALE']);
    expect(decideFanout({ type: 'PRESALE', consents: {}, now: noon, advertisingTypes })).toEqual({
      push: false,
      advertising: true,
      reason: 'no-marketing-consent',
    });
    expect(decideFanout({ type: 'LOWEST_PRICE', consents: {}, now: noon, advertisingTypes }).push).toBe(true);
  });

  it('treats an unknown type as advertising, the stricter rule', () => {
    expect(decide('FLASH_SALE', {}, noon)).toEqual({
      push: false,
      advertising: true,
      reason: 'no-marketing-consent',
    });
    expect(decide('FLASH_SALE', MARKETING_ONLY, kst('2026-03-14T21:00:00')).push).toBe(false);
    expect(decide('FLASH_SALE', MARKETING_ONLY, noon).push).toBe(true);
  });

  it('keeps MARKETING advertising whatever the configuration says', () => {
    expect([...advertisingTypesFrom([])]).toEqual(['MARKETING']);
    expect([...advertisingTypesFrom(['PRESALE', 'LOWEST_PRICE'])].sort()).toEqual([
      'LOWEST_PRICE',
      'MARKETING',
      'PRESALE',
    ]);
  });

  it('refuses a configured name that is not a notification type', () => {
    expect(() => advertisingTypesFrom(['MARKETING', 'PRESAEL'])).toThrow(InvalidConfigError);
    expect(() => advertisingTypesFrom(['marketing'])).toThrow(/unknown: marketing/);
  });
});

describe('ADVERTISING_NOTIFICATION_TYPES', () => {
  const saved = process.env.ADVERTISING_NOTIFICATION_TYPES;
  afterEach(() => {
    if (saved === undefined) delete process.env.ADVERTISING_NOTIFICATION_TYPES;
    else process.env.ADVERTISING_NOTIFICATION_TYPES = saved;
  });

  it('defaults to MARKETING when unset or blank', () => {
    delete process.env.ADVERTISING_NOTIFICATION_TYPES;
    expect(config.advertisingNotificationTypes()).toEqual(['MARKETING']);
    process.env.ADVERTISING_NOTIFICATION_TYPES = '  ';
    expect(config.advertisingNotificationTypes()).toEqual(['MARKETING']);
  });

  it('reads a comma-separated list, ignoring spaces, case and empty entries', () => {
    process.env.ADVERTISING_NOTIFICATION_TYPES = ' marketing, Presale ,,NOTICE';
    expect(config.advertisingNotificationTypes()).toEqual(['MARKETING', 'PRESALE', 'NOTICE']);
    expect([...advertisingTypesFrom(config.advertisingNotificationTypes())].sort()).toEqual([
      'MARKETING',
      'NOTICE',
      'PRESALE',
    ]);
  });
});

describe('the recipient', () => {
  const night = kst('2026-03-14T23:00:00');
  const input = { now: night, advertisingTypes: ADVERTISING };

  it('pushes nothing, not even informational, to someone without a profile', () => {
    expect(decideForRecipient({ ...input, type: 'BROKER_ASSIGNED', profile: undefined })).toEqual({
      push: false,
      advertising: false,
      reason: 'no-profile',
    });
  });

  it('pushes nothing to a deleted account, whatever its consents', () => {
    const profile = { consents: BOTH, deletedAt: '2026-03-14T10:00:00.000Z' };
    expect(decideForRecipient({ ...input, type: 'NOTICE', profile })).toMatchObject({
      push: false,
      reason: 'deleted-user',
    });
    expect(decideForRecipient({ ...input, type: 'MARKETING', profile })).toEqual({
      push: false,
      advertising: true,
      reason: 'deleted-user',
    });
  });

  it('decides on the profile consents otherwise', () => {
    expect(
      decideForRecipient({ ...input, type: 'MARKETING', profile: { consents: MARKETING_ONLY } }),
    ).toMatchObject({ push: false, reason: 'night-without-night-consent' });
    expect(
      decideForRecipient({ ...input, type: 'MARKETING', profile: { consents: BOTH, deletedAt: null } }),
    ).toMatchObject({ push: true, reason: 'advertising-at-night-consented' });
  });
});
