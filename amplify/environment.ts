import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CRAWLER_ENV } from './functions/real-transaction-update/env-names';
import { WEBHOOK_ENV } from './functions/rest-legacy-webhook/env-names';
import { ENV } from './functions/shared/env-names';

/**
 * The one place that maps a deployment to its names, URLs and settings (DESIGN §5).
 * Gen 1 mixed dev, staging and prod in one account; here every name a resource gets and
 * every URL a function calls comes from `deploymentSettings`, so a non-prod synth cannot
 * point at production.
 */

export type Stage = 'sandbox' | 'dev' | 'staging' | 'prod';
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface BackendIdentifier {
  namespace: string;
  name: string;
  type: 'sandbox' | 'branch' | 'standalone';
}

export interface Deployment {
  stage: Stage;
  /** The branch or sandbox name the deployment came from. */
  id: string;
  /**
   * Prefix of every SNS/SQS/table name: none in prod, `<stage>-` on a fixed branch,
   * `<stage>-<qualifier>-` for a sandbox or preview branch (see `deploymentQualifier`).
   */
  namePrefix: string;
  legacyApiUrl: string;
  /** SSM parameter path prefix, ending with `/`. */
  ssmPrefix: string;
  sentryEnvironment: string;
  logLevel: LogLevel;
  /** Origins the REST API answers CORS for. */
  webOrigins: string[];
  /** Where a share link opens: the deployment's own web host, the token appended. */
  shareLinkBaseUrl: string;
}

const LEGACY_API_URLS: Record<Stage, string> = {
  prod: 'https://api.bootalk.co.kr',
  staging: 'https://api-staging.bootalk.co.kr',
  dev: 'https://api-dev.bootalk.co.kr',
  sandbox: 'https://api-dev.bootalk.co.kr',
};

const WEB_ORIGINS: Record<Stage, string[]> = {
  prod: ['https://www.bootalk.co.kr', 'https://bootalk.co.kr'],
  staging: ['https://staging.bootalk.co.kr'],
  dev: ['https://dev.bootalk.co.kr', 'http://localhost:3000'],
  sandbox: ['http://localhost:3000', 'http://localhost:5173'],
};

const SHARE_LINK_BASE_URLS: Record<Stage, string> = {
  prod: 'https://bootalk.co.kr/s/',
  staging: 'https://staging.bootalk.co.kr/s/',
  dev: 'https://dev.bootalk.co.kr/s/',
  sandbox: 'http://localhost:3000/s/',
};

const LOG_LEVELS: Record<Stage, LogLevel> = {
  prod: 'INFO',
  staging: 'INFO',
  dev: 'DEBUG',
  sandbox: 'DEBUG',
};

/**
 * Branches with a fixed stage and a fixed name prefix. Any other branch (`develop` included) is a
 * preview: stage dev, with its own qualifier in every name.
 */
const BRANCH_STAGES: Record<string, Stage> = {
  main: 'prod',
  staging: 'staging',
  dev: 'dev',
};

/** The longest qualifier kept as the name itself; SQS queue names (80 characters) set the budget. */
const QUALIFIER_MAX_LENGTH = 24;
const QUALIFIER_HASH_LENGTH = 6;
/** Lowercase letters and digits in dash-separated runs: valid in SNS, SQS, DynamoDB and SSM names alike. */
const CLEAN_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** How a hashed qualifier ends; a name kept as it is never ends this way. */
const HASHED_TAIL = new RegExp(`-[0-9a-f]{${QUALIFIER_HASH_LENGTH}}$`);

/**
 * What tells one sandbox or preview branch from another in its names, distinct per name by
 * construction. A name that is already lowercase letters, digits and single dashes, at most 24
 * characters, and does not end in a dash and six hex digits is kept as it is (`alice`, `develop`).
 * Any other name (`feature/chat`, `Feature-Chat`, `feature-chat-reactions-alpha`) becomes its
 * slug, cut to 17 characters, then `-` and the first six hex digits of the SHA-256 of the whole
 * name: stable across deploys, and different for names that normalize or cut to the same slug.
 * The two forms never meet, because only the hashed one ends in `-` and six hex digits.
 */
export function deploymentQualifier(name: string): string {
  if (name.length <= QUALIFIER_MAX_LENGTH && CLEAN_NAME.test(name) && !HASHED_TAIL.test(name)) {
    return name;
  }
  const hash = createHash('sha256').update(name).digest('hex').slice(0, QUALIFIER_HASH_LENGTH);
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, QUALIFIER_MAX_LENGTH - QUALIFIER_HASH_LENGTH - 1)
    .replace(/-+$/, '');
  return `${slug || 'x'}-${hash}`;
}

export function deploymentSettings(identifier: BackendIdentifier): Deployment {
  const isFixedBranch = identifier.type !== 'sandbox' && Object.hasOwn(BRANCH_STAGES, identifier.name);
  const stage: Stage =
    identifier.type === 'sandbox' ? 'sandbox' : isFixedBranch ? BRANCH_STAGES[identifier.name]! : 'dev';
  // Sandboxes and preview branches share an account with dev: their qualifier keeps them apart.
  const qualifier = isFixedBranch ? undefined : deploymentQualifier(identifier.name);
  return {
    stage,
    id: identifier.name,
    namePrefix: stage === 'prod' ? '' : qualifier ? `${stage}-${qualifier}-` : `${stage}-`,
    legacyApiUrl: LEGACY_API_URLS[stage],
    ssmPrefix: qualifier ? `/bootalk/${stage}/${qualifier}/` : `/bootalk/${stage}/`,
    sentryEnvironment: qualifier && stage !== 'sandbox' ? `${stage}-${qualifier}` : stage,
    logLevel: LOG_LEVELS[stage],
    webOrigins: WEB_ORIGINS[stage],
    shareLinkBaseUrl: SHARE_LINK_BASE_URLS[stage],
  };
}

/** A resource name for this deployment, e.g. `dev-chat-events` or, in prod, `chat-events`. */
export function resourceName(deployment: Deployment, base: string): string {
  return `${deployment.namePrefix}${base}`;
}

/**
 * The environment every function gets. The shared runtime reads these names
 * (amplify/functions/shared/config.ts); functions never hard-code a URL or a name.
 */
export function functionEnvironment(deployment: Deployment): Record<string, string> {
  return {
    [ENV.STAGE]: deployment.stage,
    [ENV.LEGACY_API_URL]: deployment.legacyApiUrl,
    [ENV.SSM_PREFIX]: deployment.ssmPrefix,
    [ENV.SENTRY_ENVIRONMENT]: deployment.sentryEnvironment,
    [ENV.LOG_LEVEL]: deployment.logLevel,
    POWERTOOLS_LOG_LEVEL: deployment.logLevel,
    [ENV.NAME_PREFIX]: deployment.namePrefix,
  };
}

/** The CDK context of the synth in progress, as `cdk.App` reads it. */
export function currentCdkContext(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  return {
    ...(env.CDK_CONTEXT_JSON ? JSON.parse(env.CDK_CONTEXT_JSON) : {}),
    ...(env.CONTEXT_OVERFLOW_LOCATION_ENV
      ? JSON.parse(readFileSync(env.CONTEXT_OVERFLOW_LOCATION_ENV, 'utf8'))
      : {}),
  };
}

/**
 * The backend identifier of the synth in progress, read from the CDK context exactly as
 * `cdk.App` reads it (CDK_CONTEXT_JSON, or the overflow file the CLI writes when it is large).
 * Function `resource.ts` files run before the backend exists, so they cannot ask a construct.
 */
export function currentBackendIdentifier(env: NodeJS.ProcessEnv = process.env): BackendIdentifier {
  const context = currentCdkContext(env);
  const namespace = context['amplify-backend-namespace'];
  const name = context['amplify-backend-name'];
  const type = context['amplify-backend-type'];
  if (typeof namespace !== 'string' || typeof name !== 'string' || typeof type !== 'string') {
    // Amplify itself refuses to synth without these; say which is missing and how to set it.
    throw new Error(
      'The Amplify backend identifier is missing from the CDK context (amplify-backend-namespace, ' +
        'amplify-backend-name, amplify-backend-type). Run through `npx ampx` or `npm run synth`.',
    );
  }
  if (type !== 'sandbox' && type !== 'branch' && type !== 'standalone') {
    throw new Error(`Unknown amplify-backend-type "${type}": expected sandbox, branch or standalone.`);
  }
  return { namespace, name, type };
}

export function currentDeployment(): Deployment {
  return deploymentSettings(currentBackendIdentifier());
}

/** Whether data outlives its stack: tables, keys and logs are retained in prod only. */
export function retainsData(deployment: Deployment): boolean {
  return deployment.stage === 'prod';
}

/** Days CloudWatch keeps logs; values CloudWatch Logs accepts. */
export type LogRetentionDays = 7 | 14 | 30 | 90 | 180 | 365;

export interface RestApiSettings {
  /** Steady-state requests per second per method, across all clients. */
  throttlingRateLimit: number;
  /** Requests the stage absorbs in a burst above the rate. */
  throttlingBurstLimit: number;
  accessLogRetentionDays: LogRetentionDays;
}

const REST_API: Record<Stage, RestApiSettings> = {
  prod: { throttlingRateLimit: 200, throttlingBurstLimit: 400, accessLogRetentionDays: 90 },
  staging: { throttlingRateLimit: 50, throttlingBurstLimit: 100, accessLogRetentionDays: 30 },
  dev: { throttlingRateLimit: 20, throttlingBurstLimit: 40, accessLogRetentionDays: 14 },
  sandbox: { throttlingRateLimit: 10, throttlingBurstLimit: 20, accessLogRetentionDays: 7 },
};

export function restApiSettings(deployment: Deployment): RestApiSettings {
  return REST_API[deployment.stage];
}

/**
 * Push through AWS End User Messaging (the Pinpoint app and its channels, DESIGN §4).
 * A channel exists only when it is configured: its non-secret ids here (or in the CDK context,
 * for one synth), its key material in an Amplify secret (`npx ampx sandbox secret set …`, or the
 * Amplify console's secrets for a branch).
 */
export interface PushSettings {
  /** The iOS app's bundle id: APNs only delivers tokens issued for it. */
  bundleId: string;
  /** APNs token auth (a .p8 signing key). Absent: no APNs channel. */
  apns?: {
    teamId: string;
    keyId: string;
    /** Development builds get sandbox APNs tokens; TestFlight and App Store builds production ones. */
    environment: 'production' | 'sandbox';
  };
  /** FCM HTTP v1 with a service-account JSON. False: no FCM channel. */
  fcm: boolean;
  /** Names of the Amplify secrets that hold the key material. */
  secrets: { apnsTokenKey: string; fcmServiceAccountJson: string };
}

interface PushConfig {
  apnsTeamId?: string;
  apnsKeyId?: string;
  apnsEnvironment: 'production' | 'sandbox';
  fcm: boolean;
}

/** Fill in the Apple team id / key id (and set fcm) when the stage's credentials exist. */
const PUSH: Record<Stage, PushConfig> = {
  prod: { apnsEnvironment: 'production', fcm: false },
  staging: { apnsEnvironment: 'production', fcm: false },
  dev: { apnsEnvironment: 'sandbox', fcm: false },
  // Sandboxes get the app only; a developer testing push turns channels on through the context.
  sandbox: { apnsEnvironment: 'sandbox', fcm: false },
};

/** CDK context keys that configure push channels for one synth, over the table above. */
export const PUSH_CONTEXT_KEYS = {
  apnsTeamId: 'bootalk:push-apns-team-id',
  apnsKeyId: 'bootalk:push-apns-key-id',
  fcm: 'bootalk:push-fcm',
} as const;

export function pushSettings(deployment: Deployment, context: Record<string, unknown> = {}): PushSettings {
  const stageConfig = PUSH[deployment.stage];
  const fromContext = (key: string): string | undefined => {
    const value = context[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const teamId = fromContext(PUSH_CONTEXT_KEYS.apnsTeamId) ?? stageConfig.apnsTeamId;
  const keyId = fromContext(PUSH_CONTEXT_KEYS.apnsKeyId) ?? stageConfig.apnsKeyId;
  const fcmFlag = context[PUSH_CONTEXT_KEYS.fcm];
  return {
    bundleId: 'kr.co.bootalk.app',
    ...(teamId && keyId ? { apns: { teamId, keyId, environment: stageConfig.apnsEnvironment } } : {}),
    fcm: fcmFlag === undefined ? stageConfig.fcm : fcmFlag === true || fcmFlag === 'true',
    secrets: { apnsTokenKey: 'APNS_TOKEN_KEY', fcmServiceAccountJson: 'FCM_SERVICE_ACCOUNT_JSON' },
  };
}

/** Names of SSM parameters that a stack writes and a function reads, avoiding a stack reference. */
export function ssmParameterName(deployment: Deployment, path: string): string {
  return `${deployment.ssmPrefix}${path}`;
}

/** 국토교통부 아파트 매매 실거래가 자료 (data.go.kr): where the crawler reads 실거래 in AWS. */
export const PUBLIC_DATA_REAL_TRANSACTION_URL =
  'https://apis.data.go.kr/1613000/RTMSDataSvcAptTrade/getRTMSDataSvcAptTrade';

/** 서울특별시's 25 구 and 성남시 분당구: the 시군구 codes Bootalk covers. */
const SERVICE_AREA_LAWD_CODES = [
  '11110',
  '11140',
  '11170',
  '11200',
  '11215',
  '11230',
  '11260',
  '11290',
  '11305',
  '11320',
  '11350',
  '11380',
  '11410',
  '11440',
  '11470',
  '11500',
  '11530',
  '11545',
  '11560',
  '11590',
  '11620',
  '11650',
  '11680',
  '11710',
  '11740',
  '41135',
];

/** A development key for data.go.kr allows 1,000 calls a day: outside prod, crawl four 시군구 only. */
const DEVELOPMENT_LAWD_CODES = ['11650', '11680', '11710', '41135'];

/** The crawler's source and scope (real-transaction-update); its serviceKey is the PUBLIC_DATA_SERVICE_KEY secret. */
export function realTransactionCrawlerEnvironment(deployment: Deployment = currentDeployment()) {
  const lawdCodes = deployment.stage === 'prod' ? SERVICE_AREA_LAWD_CODES : DEVELOPMENT_LAWD_CODES;
  return {
    [CRAWLER_ENV.PUBLIC_DATA_REAL_TRANSACTION_URL]: PUBLIC_DATA_REAL_TRANSACTION_URL,
    [CRAWLER_ENV.REAL_TRANSACTION_LAWD_CODES]: lawdCodes.join(','),
  };
}

/**
 * Who may call POST /webhooks/legacy: JWTs the legacy side signs with the key in the
 * LEGACY_WEBHOOK_KEY secret, for this deployment's audience only, so a token minted for dev is
 * refused by prod even if a key were shared by mistake.
 */
export function legacyWebhookEnvironment(deployment: Deployment = currentDeployment()) {
  return {
    [WEBHOOK_ENV.LEGACY_WEBHOOK_ISSUER]: 'bootalk-legacy-api',
    [WEBHOOK_ENV.LEGACY_WEBHOOK_AUDIENCE]:
      deployment.stage === 'prod' ? 'bootalk-amplify' : `bootalk-amplify-${deployment.stage}`,
  };
}
