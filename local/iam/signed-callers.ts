import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { type FunctionSpec, LOCAL_ACCOUNT } from '../contracts';

/**
 * Each function's local AWS credentials, and the check the local services make on a SigV4
 * request, as AWS does it: the access key must be a function's, the signature must be the one
 * its secret key makes for this very request, within 15 minutes of its date. A new secret per
 * function every time the sandbox starts: nothing outside the sandbox's own workers has it.
 */

export interface IamStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
}

export interface SignedCaller {
  functionName: string;
  accessKeyId: string;
  /** arn:aws:sts::<account>:assumed-role/<role>/<function>, as AWS names the caller. */
  callerArn: string;
  roleName: string;
  physicalName: string;
  statements: readonly IamStatement[];
}

/** What a SigV4 check needs of an HTTP request. */
export interface SignedRequest {
  method: string;
  /** Path and query, as sent (`/graphql`, `/`). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type SignatureRefusal =
  | 'MissingAuthenticationToken'
  | 'UnrecognizedClient'
  | 'InvalidSignature'
  | 'SignatureExpired';

/** Why a signed request was refused, in AWS's words; each service wraps it in its own error shape. */
export class SignatureError extends Error {
  constructor(
    readonly reason: SignatureRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'SignatureError';
  }
}

const MESSAGES: Record<SignatureRefusal, string> = {
  MissingAuthenticationToken: 'Missing Authentication Token',
  UnrecognizedClient: 'The security token included in the request is invalid.',
  InvalidSignature:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  SignatureExpired: 'Signature expired: the request date is more than 15 minutes away from the server time.',
};

const refuse = (reason: SignatureRefusal) => new SignatureError(reason, MESSAGES[reason]);

/** In the sandbox folder (`.amplify/sandbox/`), beside `tls/` and `secrets.json`; rewritten at every start. */
export const OPERATOR_CREDENTIALS_FILE = 'operator-credentials.json';

/** The running sandbox's operator credentials, found from its CA certificate's path (`<sandbox>/tls/ca.crt`). */
export function readOperatorCredentials(caCertPath: string): {
  accessKeyId: string;
  secretAccessKey: string;
} {
  const file = join(dirname(dirname(resolve(caCertPath))), OPERATOR_CREDENTIALS_FILE);
  return JSON.parse(readFileSync(file, 'utf8'));
}

const MAX_SKEW_MS = 15 * 60 * 1000;
const OPERATOR = '(local operator)';
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/;

export interface SignedCallers {
  /** After a re-synthesis: new functions get keys, every function its current grants (keys stay). */
  update(functions: readonly CallerSpec[]): void;
  /**
   * The local operator (what an administrator's IAM user is on AWS): `npm run seed` signs its
   * admin calls with these. They live in the sandbox folder, never in the outputs.
   */
  operatorCredentials(): { accessKeyId: string; secretAccessKey: string };
  /** The AWS_* variables a function's environment gets. */
  credentialsFor(functionName: string): { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string };
  /** The function behind a verified SigV4 request; throws SignatureError otherwise. */
  verify(request: SignedRequest): Promise<SignedCaller>;
}

type CallerSpec = Pick<FunctionSpec, 'name' | 'roleArn' | 'environment' | 'iamStatements'>;

export function createSignedCallers(
  functions: readonly CallerSpec[],
  options: { now?: () => number; operator?: { accessKeyId: string; secretAccessKey: string } } = {},
): SignedCallers {
  const now = options.now ?? Date.now;
  const byName = new Map<string, { caller: SignedCaller; secretAccessKey: string }>();
  const byAccessKey = new Map<string, { caller: SignedCaller; secretAccessKey: string }>();
  const add = (
    spec: (typeof functions)[number],
    given?: { accessKeyId: string; secretAccessKey: string },
  ) => {
    const known =
      byName.get(spec.name) ?? (given && { caller: given, secretAccessKey: given.secretAccessKey });
    const accessKeyId =
      known?.caller.accessKeyId ?? `ASIALOCAL${randomBytes(6).toString('hex').toUpperCase()}`;
    const roleName = spec.roleArn?.split('/').pop() ?? `${spec.name}-role`;
    const physicalName = spec.environment.AWS_LAMBDA_FUNCTION_NAME ?? spec.name;
    const entry = {
      caller: {
        functionName: spec.name,
        accessKeyId,
        roleName,
        physicalName,
        callerArn: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${roleName}/${physicalName}`,
        statements: spec.iamStatements ?? [],
      },
      secretAccessKey: known?.secretAccessKey ?? randomBytes(30).toString('base64'),
    };
    byName.set(spec.name, entry);
    byAccessKey.set(accessKeyId, entry);
  };
  for (const spec of functions) add(spec);
  add(
    {
      name: OPERATOR,
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-operator`,
      environment: { AWS_LAMBDA_FUNCTION_NAME: 'operator' },
      iamStatements: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    },
    options.operator,
  );

  return {
    update(next) {
      for (const spec of next) add(spec);
    },
    operatorCredentials() {
      const entry = byName.get(OPERATOR)!;
      return { accessKeyId: entry.caller.accessKeyId, secretAccessKey: entry.secretAccessKey };
    },
    credentialsFor(functionName) {
      const entry = byName.get(functionName);
      if (!entry) throw new Error(`No local credentials for ${functionName}`);
      return { AWS_ACCESS_KEY_ID: entry.caller.accessKeyId, AWS_SECRET_ACCESS_KEY: entry.secretAccessKey };
    },
    async verify(request) {
      const authorization = headerValue(request.headers, 'authorization');
      if (!authorization) throw refuse('MissingAuthenticationToken');
      const match = AUTHORIZATION.exec(authorization.trim());
      if (!match) throw refuse('InvalidSignature');
      const [, accessKeyId, , region, service, signedHeaderList, signature] = match;
      const entry = byAccessKey.get(accessKeyId!);
      if (!entry) throw refuse('UnrecognizedClient');

      const amzDate = headerValue(request.headers, 'x-amz-date');
      const signedAt = amzDate ? parseAmzDate(amzDate) : Number.NaN;
      if (Number.isNaN(signedAt)) throw refuse('InvalidSignature');
      if (Math.abs(now() - signedAt) > MAX_SKEW_MS) throw refuse('SignatureExpired');

      const signedHeaders = signedHeaderList!.split(';');
      const headers: Record<string, string> = {};
      for (const name of signedHeaders) {
        const value = headerValue(request.headers, name);
        if (value === undefined) throw refuse('InvalidSignature');
        headers[name] = value;
      }
      // The payload hash a caller signs must be the hash of the body that arrived.
      const claimedHash = headers['x-amz-content-sha256'];
      if (claimedHash && claimedHash !== 'UNSIGNED-PAYLOAD' && claimedHash !== sha256Hex(request.body)) {
        throw refuse('InvalidSignature');
      }
      const [pathname, search = ''] = request.path.split('?');
      const query: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(search)) query[key] = value;
      const signer = new SignatureV4({
        credentials: { accessKeyId: accessKeyId!, secretAccessKey: entry.secretAccessKey },
        region: region!,
        service: service!,
        sha256: Sha256,
        // Sign exactly the headers the caller signed: no x-amz-content-sha256 of our own.
        applyChecksum: false,
      });
      const expected = await signer.sign(
        {
          method: request.method,
          protocol: 'https:',
          hostname: headers.host ?? '',
          path: pathname!,
          query,
          headers,
          body: request.body,
        },
        { signingDate: new Date(signedAt), signableHeaders: new Set(signedHeaders) },
      );
      const computed = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] ?? '';
      if (!timingSafeEqual(Buffer.from(computed.padEnd(64, '0')), Buffer.from(signature!))) {
        throw refuse('InvalidSignature');
      }
      return entry.caller;
    },
  };
}

/**
 * Does the caller's identity policy allow `action` on `resource`? IAM's evaluation for one
 * identity policy set: an explicit Deny wins, then any Allow; `*` and `?` wildcards.
 */
export function iamAllows(statements: readonly IamStatement[], action: string, resource: string): boolean {
  const applies = (statement: IamStatement) =>
    list(statement.Action).some((pattern) => wildcard(pattern, action, true)) &&
    list(statement.Resource ?? '*').some((pattern) => wildcard(pattern, resource, false));
  const matching = statements.filter(applies);
  return !matching.some((s) => s.Effect === 'Deny') && matching.some((s) => s.Effect === 'Allow');
}

/** AWS's AccessDenied wording, naming the caller, the action and the resource. */
export function accessDeniedMessage(caller: SignedCaller, action: string, resource: string): string {
  return `User: ${caller.callerArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}

function list(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function wildcard(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return Array.isArray(value) ? value.join(',') : value;
}

function sha256Hex(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

function parseAmzDate(value: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}
