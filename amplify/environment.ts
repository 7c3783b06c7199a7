import { readFileSync } from 'node:fs';

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
  /** Prefix of every SNS/SQS/table name: none in prod, `<env>-` elsewhere. */
  namePrefix: string;
  legacyApiUrl: string;
  /** SSM parameter path prefix, ending with `/`. */
  ssmPrefix: string;
  sentryEnvironment: string;
  logLevel: LogLevel;
  /** Origins the REST API answers CORS for. */
  webOrigins: string[];
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

const LOG_LEVELS: Record<Stage, LogLevel> = {
  prod: 'INFO',
  staging: 'INFO',
  dev: 'DEBUG',
  sandbox: 'DEBUG',
};

/** Branches with a fixed stage; any other branch deploys as a dev-like preview. */
const BRANCH_STAGES: Record<string, Stage> = {
  main: 'prod',
  staging: 'staging',
  dev: 'dev',
  develop: 'dev',
};

/** Lowercase letters, digits and dashes: valid in SNS, SQS, DynamoDB and SSM names alike. */
function slug(value: string, maxLength: number): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned.slice(0, maxLength).replace(/-+$/, '') || 'x';
}

export function deploymentSettings(identifier: BackendIdentifier): Deployment {
  const stage: Stage =
    identifier.type === 'sandbox' ? 'sandbox' : (BRANCH_STAGES[identifier.name] ?? 'dev');
  const isFixedBranch = identifier.type !== 'sandbox' && identifier.name in BRANCH_STAGES;
  // Sandboxes and preview branches share an account with dev: their own name keeps them apart.
  const qualifier = isFixedBranch ? '' : `${slug(identifier.name, 20)}-`;
  const namePrefix = stage === 'prod' ? '' : `${stage}-${qualifier}`;
  const ssmPrefix =
    stage === 'prod' || isFixedBranch
      ? `/bootalk/${stage}/`
      : `/bootalk/${stage}/${slug(identifier.name, 40)}/`;
  return {
    stage,
    id: identifier.name,
    namePrefix,
    legacyApiUrl: LEGACY_API_URLS[stage],
    ssmPrefix,
    sentryEnvironment: isFixedBranch || stage === 'sandbox' ? stage : `${stage}-${slug(identifier.name, 20)}`,
    logLevel: LOG_LEVELS[stage],
    webOrigins: WEB_ORIGINS[stage],
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
    STAGE: deployment.stage,
    LEGACY_API_URL: deployment.legacyApiUrl,
    SSM_PREFIX: deployment.ssmPrefix,
    SENTRY_ENVIRONMENT: deployment.sentryEnvironment,
    LOG_LEVEL: deployment.logLevel,
    POWERTOOLS_LOG_LEVEL: deployment.logLevel,
    NAME_PREFIX: deployment.namePrefix,
  };
}

/**
 * The backend identifier of the synth in progress, read from the CDK context exactly as
 * `cdk.App` reads it (CDK_CONTEXT_JSON, or the overflow file the CLI writes when it is large).
 * Function `resource.ts` files run before the backend exists, so they cannot ask a construct.
 */
export function currentBackendIdentifier(env: NodeJS.ProcessEnv = process.env): BackendIdentifier {
  const context: Record<string, unknown> = {
    ...(env.CDK_CONTEXT_JSON ? JSON.parse(env.CDK_CONTEXT_JSON) : {}),
    ...(env.CONTEXT_OVERFLOW_LOCATION_ENV
      ? JSON.parse(readFileSync(env.CONTEXT_OVERFLOW_LOCATION_ENV, 'utf8'))
      : {}),
  };
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
