import { generateKeyPairSync } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { proxyEvent } from '../../local/apigateway/proxy-event';

export const ISSUER = 'bootalk-legacy-api';
export const AUDIENCE = 'bootalk-amplify-sandbox';
export const NOW = new Date('2026-03-14T03:00:00.000Z');
export const NOW_S = NOW.getTime() / 1000;

export function ecKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The legacy side's signing key (ES256) and the deployment's copy of its public half. */
export const LEGACY_KEY = ecKeyPair();

export interface TokenClaims {
  iss?: string | undefined;
  aud?: string | undefined;
  iat?: number | undefined;
  exp?: number | undefined;
  nbf?: number | undefined;
  sub?: string | undefined;
}

/** A token as the legacy side mints it: ES256, iss/aud of this deployment, 5 minutes from NOW. */
export async function legacyToken(
  overrides: TokenClaims = {},
  key: Parameters<SignJWT['sign']>[0] = LEGACY_KEY.privateKey,
  alg = 'ES256',
): Promise<string> {
  const claims: TokenClaims = {
    iss: ISSUER,
    aud: AUDIENCE,
    iat: NOW_S,
    exp: NOW_S + 300,
    sub: 'crm',
    ...overrides,
  };
  const defined = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  return new SignJWT(defined).setProtectedHeader({ alg, kid: 'legacy-2026-03', typ: 'JWT' }).sign(key);
}

/** A request as API Gateway's REST proxy integration (v1) hands it over, via the local sandbox's builder. */
export function restRequest(options: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  claims?: Record<string, string>;
}): APIGatewayProxyEvent {
  const rawHeaders = Object.entries(options.headers ?? {}).flat();
  const body =
    typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : (options.body ?? Buffer.alloc(0));
  return proxyEvent(
    {
      method: options.method ?? 'GET',
      path: options.path,
      rawQuery: '',
      rawHeaders,
      body,
      sourceIp: '203.0.113.7',
    },
    {
      resourcePath: options.path,
      pathParameters: {},
      stage: 'sandbox',
      apiId: 'abcdef1234',
      accountId: '123456789012',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      ...(options.claims ? { claims: options.claims } : {}),
      nowMs: NOW.getTime(),
      host: 'abcdef1234.execute-api.ap-northeast-2.amazonaws.com',
    },
  );
}

export const bodyOf = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;

export function expectJsonHeaders(response: { headers?: Record<string, unknown> }) {
  expect(response.headers).toMatchObject({
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
}

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/**
 * The idempotency table behind an aws-sdk-client-mock stub, with DynamoDB's semantics for the
 * three conditions webhook-receipts writes (asserted verbatim, so the fake cannot drift from them).
 */
export class FakeReceiptTable {
  readonly rows = new Map<string, Record<string, unknown>>();

  constructor(readonly tableName: string) {}

  install(stub: AwsClientStub<DynamoDBDocumentClient>) {
    stub.on(PutCommand).callsFake((input: PutCommandInput) => this.put(input));
    stub.on(GetCommand).callsFake((input: GetCommandInput) => {
      const row = this.rows.get(String(input.Key!.id));
      return row ? { Item: structuredClone(row) } : {};
    });
    stub.on(UpdateCommand).callsFake((input: UpdateCommandInput) => this.update(input));
    stub.on(DeleteCommand).callsFake((input: DeleteCommandInput) => this.delete(input));
  }

  private put(input: PutCommandInput) {
    expect(input.TableName).toBe(this.tableName);
    expect(input.ConditionExpression).toBe(
      'attribute_not_exists(#id) OR (#status = :inProgress AND #expiration < :now AND #digest = :digest)',
    );
    const values = input.ExpressionAttributeValues!;
    const id = String(input.Item!.id);
    const row = this.rows.get(id);
    const takeover =
      row?.status === values[':inProgress'] &&
      (row?.expiration as number) < (values[':now'] as number) &&
      row?.digest === values[':digest'];
    if (row && !takeover) throw conditionFailed();
    this.rows.set(id, structuredClone(input.Item!));
    return {};
  }

  private update(input: UpdateCommandInput) {
    expect(input.ConditionExpression).toBe('#claimToken = :token');
    expect(input.UpdateExpression).toBe(
      'SET #status = :done, #completedAt = :completedAt, #expiration = :expiration',
    );
    const values = input.ExpressionAttributeValues!;
    const id = String(input.Key!.id);
    const row = this.rows.get(id);
    if (!row || row.claimToken !== values[':token']) throw conditionFailed();
    this.rows.set(id, {
      ...row,
      status: values[':done'],
      completedAt: values[':completedAt'],
      expiration: values[':expiration'],
    });
    return {};
  }

  private delete(input: DeleteCommandInput) {
    expect(input.ConditionExpression).toBe('#claimToken = :token AND #status = :inProgress');
    const values = input.ExpressionAttributeValues!;
    const id = String(input.Key!.id);
    const row = this.rows.get(id);
    if (!row || row.claimToken !== values[':token'] || row.status !== values[':inProgress'])
      throw conditionFailed();
    this.rows.delete(id);
    return {};
  }
}
