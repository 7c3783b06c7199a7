import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'vitest';
import type { PublicDataTradeRow } from '../../../local/legacy/public-data';
import type { Complex } from '../../../local/legacy/sample-data';

export const COMPLEX_TABLE = 'Complex-abc123-NONE';
export const IDEMPOTENCY_TABLE = 'sandbox-idempotency';

/** A row exactly as the data.go.kr stand-in (and the older API) sends it: Korean names, all strings. */
export function koreanRow(fields: Partial<PublicDataTradeRow> = {}): PublicDataTradeRow {
  return {
    거래금액: '   235,000',
    거래유형: '중개거래',
    건축년도: '1979',
    년: '2025',
    법정동: ' 대치동',
    아파트: '은마',
    월: '2',
    일: '11',
    전용면적: '76.79',
    중개사소재지: '서울 강남구',
    지번: '316',
    지역코드: '11680',
    층: '9',
    해제사유발생일: ' ',
    해제여부: ' ',
    ...fields,
  };
}

/** The same trade as the current apis.data.go.kr/1613000 endpoint names it. */
export function englishRow(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aptDong: ' ',
    aptNm: '은마',
    buildYear: '1979',
    cdealDay: ' ',
    cdealType: ' ',
    dealAmount: '235,000',
    dealDay: '11',
    dealMonth: '2',
    dealYear: '2025',
    dealingGbn: '중개거래',
    estateAgentSggNm: '서울 강남구',
    excluUseAr: '76.79',
    floor: '9',
    jibun: '316',
    sggCd: '11680',
    umdNm: '대치동',
    ...fields,
  };
}

/** The Complex model row data-sync writes for a stand-in complex. */
export function complexRow(complex: Complex): Record<string, unknown> {
  return {
    __typename: 'Complex',
    id: complex.id,
    name: complex.name,
    regionCode: complex.regionCode,
    lawdCode: complex.regionCode.slice(0, 5),
    dong: complex.dong,
    jibun: complex.jibun,
    builtYear: complex.builtYear,
    households: complex.households,
  };
}

export const ddb = mockClient(DynamoDBDocumentClient);

/**
 * DynamoDB as the crawler uses it: the Complex table's `complexesByLawdCode` index and the
 * idempotency table's fingerprint records (BatchGet / BatchWrite).
 */
export class FakeDynamo {
  readonly complexes: Record<string, unknown>[] = [];
  readonly idempotency = new Map<string, Record<string, unknown>>();
  readonly queries: QueryCommandInput[] = [];
  readonly batchGets: BatchGetCommandInput[] = [];
  readonly batchWrites: BatchWriteCommandInput[] = [];
  /** Keys the next BatchGet leaves unprocessed (DynamoDB may, under load). */
  unprocessedOnce = 0;

  install() {
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      expect(input.TableName).toBe(COMPLEX_TABLE);
      expect(input.IndexName).toBe('complexesByLawdCode');
      this.queries.push(structuredClone(input));
      const lawdCode = input.ExpressionAttributeValues?.[':lawdCode'];
      const names = Object.values(input.ExpressionAttributeNames ?? {});
      const items = this.complexes
        .filter((row) => row.lawdCode === lawdCode)
        .map((row) => Object.fromEntries(Object.entries(row).filter(([field]) => names.includes(field))));
      return { Items: items };
    });
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      this.batchGets.push(structuredClone(input));
      const request = input.RequestItems?.[IDEMPOTENCY_TABLE];
      expect(request).toBeDefined();
      const keys = request!.Keys ?? [];
      expect(keys.length).toBeLessThanOrEqual(100);
      const held = keys.slice(0, keys.length - this.unprocessedOnce);
      const left = keys.slice(keys.length - this.unprocessedOnce);
      this.unprocessedOnce = 0;
      return {
        Responses: {
          [IDEMPOTENCY_TABLE]: held
            .map((key) => this.idempotency.get(String(key.id)))
            .filter((item) => item !== undefined)
            .map((item) => ({ id: item.id })),
        },
        ...(left.length > 0 ? { UnprocessedKeys: { [IDEMPOTENCY_TABLE]: { Keys: left } } } : {}),
      };
    });
    ddb.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => {
      this.batchWrites.push(structuredClone(input));
      const requests = input.RequestItems?.[IDEMPOTENCY_TABLE];
      expect(requests).toBeDefined();
      expect(requests!.length).toBeLessThanOrEqual(25);
      for (const request of requests!) {
        const item = request.PutRequest?.Item;
        if (item) this.idempotency.set(String(item.id), structuredClone(item));
      }
      return {};
    });
  }
}
