import { type AlertDefinition, isText, optionalText, parseFeedItems } from '../shared/alerts/alert-plan';
import { formatKoreanDate } from '../shared/alerts/korean-format';

/** A 분양 (pre-sale) announcement from `GET /v1/alerts/presales`. */
export interface PresaleAnnouncement {
  id: string;
  /** 10-digit 법정동 code of the site. */
  regionCode: string;
  name: string;
  supplyHouseholds?: number;
  /** YYYY-MM-DD, KST. */
  applicationStart?: string;
  applicationEnd?: string;
  announcedAt: string;
}

function parsePresale(raw: Record<string, unknown>): PresaleAnnouncement | undefined {
  const { id, regionCode, name, supplyHouseholds, applicationStart, applicationEnd, announcedAt } = raw;
  if (!isText(id) || !isText(name) || !isText(announcedAt)) return undefined;
  if (typeof regionCode !== 'string' || !/^\d{10}$/.test(regionCode)) return undefined;
  const start = optionalText(applicationStart);
  const end = optionalText(applicationEnd);
  return {
    id,
    regionCode,
    name,
    ...(Number.isInteger(supplyHouseholds) && (supplyHouseholds as number) > 0
      ? { supplyHouseholds: supplyHouseholds as number }
      : {}),
    ...(start ? { applicationStart: start } : {}),
    ...(end ? { applicationEnd: end } : {}),
    announcedAt,
  };
}

function applicationPeriod(presale: PresaleAnnouncement): string | undefined {
  const { applicationStart: start, applicationEnd: end } = presale;
  if (start && end && start !== end) return `청약 ${formatKoreanDate(start)}~${formatKoreanDate(end)}`;
  const day = start ?? end;
  return day ? `청약 ${formatKoreanDate(day)}` : undefined;
}

/** PRESALE (분양 알림): a new announcement in a subscribed region (a 시군구 covers its 법정동). */
export const presaleAlert: AlertDefinition<PresaleAnnouncement> = {
  kind: 'PRESALE',
  feedPath: (targets, since) =>
    `/v1/alerts/presales?regionCodes=${targets.map(encodeURIComponent).join(',')}` +
    `&since=${encodeURIComponent(since)}`,
  parseFeed: (body) => parseFeedItems(body, 'presales', parsePresale),
  isAbout: (presale, target) => presale.regionCode.startsWith(target),
  wants: () => true,
  subjectId: (presale) => presale.id,
  message(presale, subscription) {
    const details = [
      optionalText(subscription.label),
      presale.supplyHouseholds === undefined
        ? undefined
        : `${presale.supplyHouseholds.toLocaleString('en-US')}세대`,
      applicationPeriod(presale),
    ].filter((part): part is string => part !== undefined);
    return {
      title: `${presale.name} 분양 공고`,
      body: details.length > 0 ? details.join(' · ') : '관심 지역에 새 분양 공고가 나왔어요.',
      deepLink: `bootalk://presale/${encodeURIComponent(presale.id)}`,
    };
  },
};
