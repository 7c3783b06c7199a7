import type { LegacyOperation } from '../operation';
import { parseDealYmd, publicDataError, publicDataResponse, publicDataTradeRows } from '../public-data';

const MAX_ROWS_PER_PAGE = 1000;

/**
 * `GET /v1/public-data/real-transactions`: a stand-in for 국토교통부 아파트 매매 실거래가 (data.go.kr).
 * Answers like the real API: HTTP 200 even for errors (a resultCode other than '00'), 10 rows per
 * page unless `numOfRows` says otherwise. Takes `lawdCode`/`dealYmd` or the real `LAWD_CD`/`DEAL_YMD`.
 */
export const getPublicDataRealTransactions: LegacyOperation = (request, store) => {
  const { query } = request;
  const lawdCode = query.get('lawdCode') ?? query.get('LAWD_CD') ?? '';
  const dealYmd = query.get('dealYmd') ?? query.get('DEAL_YMD') ?? '';
  const pageNo = Number(query.get('pageNo') ?? '1');
  const numOfRows = Number(query.get('numOfRows') ?? '10');
  const month = parseDealYmd(dealYmd);
  if (
    !/^\d{5}$/.test(lawdCode) ||
    !month ||
    !Number.isInteger(pageNo) ||
    pageNo < 1 ||
    !Number.isInteger(numOfRows) ||
    numOfRows < 1 ||
    numOfRows > MAX_ROWS_PER_PAGE
  ) {
    return { status: 200, body: publicDataError('10', 'INVALID_REQUEST_PARAMETER_ERROR') };
  }
  const rows = publicDataTradeRows(store.data.complexes, lawdCode, month, request.nowMs);
  return { status: 200, body: publicDataResponse(rows, { pageNo, numOfRows }) };
};
