import { readFileSync } from 'node:fs';

/**
 * The Legacy API stand-in's reference data: apartment complexes in 강남구/서초구/송파구 and 분당,
 * their brokers (중개사), listings, 분양 (pre-sale) announcements and 실거래 (registered real
 * transactions). Deterministic: the same `now` gives the same data, and every date is relative to
 * `now` so that "since the last run" queries always find something.
 */

export interface Complex {
  id: string;
  name: string;
  /** 10-digit 법정동 (legal-dong) code; its first 5 digits are the 시군구 code the public data API uses. */
  regionCode: string;
  /** 시도 시군구 */
  district: string;
  /** 법정동 name */
  dong: string;
  /** 지번 (lot number) */
  jibun: string;
  builtYear: number;
  households: number;
  /** 전용면적 (exclusive area) types sold in the complex, m². */
  areasM2: number[];
  /** Typical price per m² of exclusive area, in won. */
  wonPerM2: number;
  /** When the legacy side last changed the complex (data-sync's cursor). */
  updatedAt?: string;
  /** A tombstone: the complex was removed (merged into another); data-sync must remove it. */
  deleted?: boolean;
}

export interface Broker {
  id: string;
  name: string;
  officeName: string;
  /** 법정동 codes the broker works in. */
  regionCodes: string[];
  active: boolean;
  updatedAt: string;
  /** The broker's Bootalk app account (Cognito sub), once they linked it on the legacy side. */
  userId?: string;
  /** A tombstone: the broker left; data-sync must remove them. */
  deleted?: boolean;
}

export type ListingStatus = 'ACTIVE' | 'SOLD' | 'WITHDRAWN';

export interface Listing {
  id: string;
  complexId: string;
  complexName: string;
  regionCode: string;
  address: string;
  priceWon: number;
  exclusiveAreaM2: number;
  floor: number;
  status: ListingStatus;
  thumbnailUrl: string;
  listedAt: string;
  updatedAt: string;
  /** Set when the asking price was lowered: the price before, and when it changed. */
  previousPriceWon?: number;
  priceChangedAt?: string;
  /** A tombstone: the listing was removed (not just sold); data-sync must remove it. */
  deleted?: boolean;
}

/** 분양 = a pre-sale (new-build subscription) announcement. */
export interface Presale {
  id: string;
  regionCode: string;
  name: string;
  supplyHouseholds: number;
  /** YYYY-MM-DD, KST */
  applicationStart: string;
  applicationEnd: string;
  announcedAt: string;
}

/** 실거래 = a registered real transaction. */
export interface RealTransaction {
  id: string;
  complexId: string;
  priceWon: number;
  exclusiveAreaM2: number;
  floor: number;
  /** YYYY-MM-DD, KST */
  contractDate: string;
  registeredAt: string;
}

export interface LegacySampleData {
  complexes: Complex[];
  brokers: Broker[];
  listings: Listing[];
  presales: Presale[];
  realTransactions: RealTransaction[];
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const KST_OFFSET_MS = 9 * HOUR_MS;

/** YYYY-MM-DD of an instant in Korea Standard Time. */
export function kstDate(ms: number): string {
  return new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 10);
}

export const COMPLEXES: readonly Complex[] = [
  // 강남구 (11680)
  complex(
    'CPX-1001',
    '은마',
    '1168010600',
    '서울특별시 강남구',
    '대치동',
    '316',
    1979,
    4424,
    [76.79, 84.43],
    30_000_000,
  ),
  complex(
    'CPX-1002',
    '래미안대치팰리스',
    '1168010600',
    '서울특별시 강남구',
    '대치동',
    '1027',
    2015,
    1608,
    [59.96, 84.97, 114.58],
    40_000_000,
  ),
  complex(
    'CPX-1003',
    '도곡렉슬',
    '1168011800',
    '서울특별시 강남구',
    '도곡동',
    '527',
    2006,
    3002,
    [59.89, 84.99, 114.7],
    33_000_000,
  ),
  complex(
    'CPX-1004',
    '개포래미안포레스트',
    '1168010300',
    '서울특별시 강남구',
    '개포동',
    '1282',
    2020,
    2296,
    [59.97, 84.96],
    34_000_000,
  ),
  complex(
    'CPX-1005',
    '래미안블레스티지',
    '1168010300',
    '서울특별시 강남구',
    '개포동',
    '12',
    2019,
    1957,
    [59.93, 84.94, 99.96],
    35_000_000,
  ),
  // 서초구 (11650)
  complex(
    'CPX-2001',
    '래미안퍼스티지',
    '1165010700',
    '서울특별시 서초구',
    '반포동',
    '18-1',
    2009,
    2444,
    [84.93, 115.66],
    47_000_000,
  ),
  complex(
    'CPX-2002',
    '아크로리버파크',
    '1165010700',
    '서울특별시 서초구',
    '반포동',
    '2-12',
    2016,
    1612,
    [59.95, 84.95, 112.96],
    60_000_000,
  ),
  complex(
    'CPX-2003',
    '반포자이',
    '1165010700',
    '서울특별시 서초구',
    '반포동',
    '20-43',
    2009,
    3410,
    [84.94, 132.92],
    45_000_000,
  ),
  complex(
    'CPX-2004',
    '서초그랑자이',
    '1165010800',
    '서울특별시 서초구',
    '서초동',
    '1336',
    2021,
    1446,
    [59.99, 84.97],
    38_000_000,
  ),
  // 송파구 (11710)
  complex(
    'CPX-3001',
    '잠실엘스',
    '1171010100',
    '서울특별시 송파구',
    '잠실동',
    '19',
    2008,
    5678,
    [59.96, 84.8, 119.93],
    32_000_000,
  ),
  complex(
    'CPX-3002',
    '리센츠',
    '1171010100',
    '서울특별시 송파구',
    '잠실동',
    '22',
    2008,
    5563,
    [27.68, 84.99, 124.22],
    32_000_000,
  ),
  complex(
    'CPX-3003',
    '헬리오시티',
    '1171010700',
    '서울특별시 송파구',
    '가락동',
    '913',
    2018,
    9510,
    [39.12, 59.96, 84.99],
    26_000_000,
  ),
  complex(
    'CPX-3004',
    '파크리오',
    '1171010200',
    '서울특별시 송파구',
    '신천동',
    '17',
    2008,
    6864,
    [59.88, 84.79, 144.77],
    27_000_000,
  ),
  // 경기 성남시 분당구 (41135)
  complex(
    'CPX-4001',
    '파크뷰',
    '4113510300',
    '경기도 성남시 분당구',
    '정자동',
    '6',
    2004,
    1829,
    [84.88, 139.57],
    20_000_000,
  ),
  complex(
    'CPX-4002',
    '시범우성',
    '4113510500',
    '경기도 성남시 분당구',
    '서현동',
    '96',
    1991,
    1874,
    [64.8, 84.93],
    17_000_000,
  ),
];

function complex(
  id: string,
  name: string,
  regionCode: string,
  district: string,
  dong: string,
  jibun: string,
  builtYear: number,
  households: number,
  areasM2: number[],
  wonPerM2: number,
): Complex {
  return { id, name, regionCode, district, dong, jibun, builtYear, households, areasM2, wonPerM2 };
}

export function complexAddress(complex: Complex): string {
  return `${complex.district} ${complex.dong} ${complex.jibun} ${complex.name}`;
}

/** Prices are quoted in 천만원 steps (10,000,000 won). */
function roundPrice(won: number): number {
  return Math.round(won / 10_000_000) * 10_000_000;
}

/** A floor between 2 and 25 that depends only on the index. */
function floorFor(index: number): number {
  return 2 + ((index * 7) % 24);
}

function brokersAt(nowMs: number): Broker[] {
  const at = (daysAgo: number) => new Date(nowMs - daysAgo * DAY_MS).toISOString();
  const broker = (
    id: string,
    name: string,
    officeName: string,
    regionCodes: string[],
    daysAgo: number,
    extra: Partial<Broker> = {},
  ): Broker => ({ id, name, officeName, regionCodes, active: true, updatedAt: at(daysAgo), ...extra });
  return [
    broker('BRK-301', '김민준', '대치래미안공인중개사사무소', ['1168010600'], 40),
    broker('BRK-302', '이서연', '은마부동산공인중개사사무소', ['1168010600', '1168011800'], 12),
    broker('BRK-303', '박지훈', '도곡렉슬공인중개사사무소', ['1168011800'], 3),
    broker('BRK-304', '최수아', '개포포레스트공인중개사사무소', ['1168010300'], 0.5),
    broker('BRK-305', '정우진', '반포퍼스티지공인중개사사무소', ['1165010700'], 25),
    broker('BRK-306', '강하은', '아크로공인중개사사무소', ['1165010700', '1165010800'], 2),
    broker('BRK-307', '윤도현', '서초그랑공인중개사사무소', ['1165010800'], 60, { active: false }),
    broker('BRK-308', '장예린', '잠실엘스공인중개사사무소', ['1171010100'], 7),
    broker('BRK-309', '임시우', '리센츠타운공인중개사사무소', ['1171010100', '1171010200'], 1),
    broker('BRK-310', '한지민', '헬리오공인중개사사무소', ['1171010700'], 15),
    broker('BRK-311', '오승현', '정자파크뷰공인중개사사무소', ['4113510300'], 30),
    broker('BRK-312', '서다인', '서현시범공인중개사사무소', ['4113510500'], 4),
    broker('BRK-313', '문태호', '가락대성공인중개사사무소', ['1171010700'], 0.2, {
      active: false,
      deleted: true,
    }),
  ];
}

function listingsAt(nowMs: number, complexes: readonly Complex[]): Listing[] {
  const listings: Listing[] = [];
  let index = 0;
  for (const complex of complexes) {
    for (let n = 0; n < 3; n += 1, index += 1) {
      if (listings.length >= 42) break;
      const area = complex.areasM2[n % complex.areasM2.length]!;
      const floor = floorFor(index);
      const floorFactor = floor < 5 ? 0.95 : floor > 15 ? 1.03 : 1;
      const priceWon = roundPrice(area * complex.wonPerM2 * floorFactor);
      const listedMs = nowMs - ((index * 11) % 75) * DAY_MS - (index % 9) * HOUR_MS - HOUR_MS;
      const status: ListingStatus = index % 10 === 7 ? 'SOLD' : index % 13 === 5 ? 'WITHDRAWN' : 'ACTIVE';
      const id = `LST-${20001 + index}`;
      const listing: Listing = {
        id,
        complexId: complex.id,
        complexName: complex.name,
        regionCode: complex.regionCode,
        address: complexAddress(complex),
        priceWon,
        exclusiveAreaM2: area,
        floor,
        status,
        thumbnailUrl: `https://static.bootalk.local/listings/${id}.jpg`,
        listedAt: new Date(listedMs).toISOString(),
        updatedAt: new Date(listedMs).toISOString(),
      };
      // Every fourth listing had its asking price lowered recently (within 0–4 days).
      if (index % 4 === 1) {
        const changedMs = Math.max(listedMs + HOUR_MS, nowMs - (index % 5) * DAY_MS - 2 * HOUR_MS);
        listing.previousPriceWon = priceWon + 50_000_000;
        listing.priceChangedAt = new Date(Math.min(changedMs, nowMs - 60_000)).toISOString();
        listing.updatedAt = listing.priceChangedAt;
      }
      listings.push(listing);
    }
  }
  // A listing removed from the legacy side (entered by mistake): the feed keeps its tombstone.
  const removed = listings[listings.length - 1]!;
  listings.push({
    ...removed,
    id: `LST-${20001 + index}`,
    status: 'WITHDRAWN',
    thumbnailUrl: `https://static.bootalk.local/listings/LST-${20001 + index}.jpg`,
    updatedAt: new Date(nowMs - 3 * HOUR_MS).toISOString(),
    deleted: true,
  });
  return listings;
}

function presalesAt(nowMs: number): Presale[] {
  const presale = (
    id: string,
    regionCode: string,
    name: string,
    supplyHouseholds: number,
    announcedDaysAgo: number,
    applicationInDays: number,
  ): Presale => ({
    id,
    regionCode,
    name,
    supplyHouseholds,
    applicationStart: kstDate(nowMs + applicationInDays * DAY_MS),
    applicationEnd: kstDate(nowMs + (applicationInDays + 2) * DAY_MS),
    announcedAt: new Date(nowMs - announcedDaysAgo * DAY_MS).toISOString(),
  });
  return [
    presale('PRS-501', '1165010100', '래미안 원페를라', 465, 0.3, 10),
    presale('PRS-502', '1168010400', '청담 르엘', 149, 1.5, 8),
    presale('PRS-503', '1165010700', '래미안 트리니원', 506, 3, 14),
    presale('PRS-504', '1171010100', '잠실 래미안 아이파크', 578, 6, 5),
    presale('PRS-505', '1168010300', '디에이치 대치 에델루이', 63, 20, -10),
    presale('PRS-506', '4113510800', '판교 더샵 퍼스트', 320, 45, -30),
    presale('PRS-507', '1171010700', '송파 가락 푸르지오', 210, 0.1, 21),
  ];
}

function realTransactionsAt(nowMs: number, complexes: readonly Complex[]): RealTransaction[] {
  const transactions: RealTransaction[] = [];
  for (let index = 0; index < 24; index += 1) {
    const complex = complexes[index % complexes.length]!;
    const area = complex.areasM2[index % complex.areasM2.length]!;
    // Registered 0–13 days ago; the contract was signed 5–30 days before registration (30-day rule).
    const registeredMs = nowMs - (index % 14) * DAY_MS - ((index * 5) % 23) * HOUR_MS - HOUR_MS;
    const contractMs = registeredMs - (5 + ((index * 3) % 26)) * DAY_MS;
    transactions.push({
      id: `RTX-${70001 + index}`,
      complexId: complex.id,
      priceWon: roundPrice(area * complex.wonPerM2 * (0.97 + (index % 5) * 0.01)),
      exclusiveAreaM2: area,
      floor: floorFor(index + 3),
      contractDate: kstDate(contractMs),
      registeredAt: new Date(registeredMs).toISOString(),
    });
  }
  return transactions;
}

/** The sample data as of `now` (milliseconds since the epoch). */
export function createSampleData(nowMs: number): LegacySampleData {
  return {
    // Complexes rarely change: all were last touched 120 days ago.
    complexes: COMPLEXES.map((complex) => ({
      ...complex,
      areasM2: [...complex.areasM2],
      updatedAt: new Date(nowMs - 120 * DAY_MS).toISOString(),
    })),
    brokers: brokersAt(nowMs),
    listings: listingsAt(nowMs, COMPLEXES),
    presales: presalesAt(nowMs),
    realTransactions: realTransactionsAt(nowMs, COMPLEXES),
  };
}

/**
 * The sample data with any top-level list replaced by the one in `dataFile` (JSON with some of
 * `complexes`, `brokers`, `listings`, `presales`, `realTransactions`; dates absolute).
 */
export function loadSampleData(nowMs: number, dataFile?: string): LegacySampleData {
  const data = createSampleData(nowMs);
  if (!dataFile) return data;
  const override = JSON.parse(readFileSync(dataFile, 'utf8')) as Partial<LegacySampleData>;
  for (const key of Object.keys(data) as (keyof LegacySampleData)[]) {
    const list = override[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new Error(`${dataFile}: "${key}" must be an array`);
    (data as unknown as Record<string, unknown[]>)[key] = list;
  }
  return data;
}
