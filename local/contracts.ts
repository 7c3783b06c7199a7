/**
 * The pieces of the local sandbox and what they exchange. Each piece receives the services
 * it needs through these interfaces, so it can be tested alone and wired in local/start.ts.
 */

/** Where each local service listens; filled in as services start. */
export interface LocalEndpoints {
  /** One HTTP endpoint for the AWS APIs functions call (SNS, SQS, SSM, Pinpoint, Cognito admin, …). */
  awsUrl: string;
  dynamodbUrl: string;
  /** https://127.0.0.1:<port>/graphql */
  graphqlUrl: string;
  /** wss://127.0.0.1:<port>/graphql/realtime */
  realtimeUrl: string;
  /** The Cognito-compatible endpoint the app's `Auth.Cognito.userPoolEndpoint` points at. */
  userPoolEndpoint: string;
  restApiUrl: string;
  inboxUrl: string;
  legacyApiUrl: string;
  sentryDsn: string;
}

export const LOCAL_REGION = 'ap-northeast-2';
export const LOCAL_ACCOUNT = '123456789012';

/** A DynamoDB table as the synthesized templates describe it (model tables and custom tables). */
export interface TableSpec {
  /** The template's logical id, for messages. */
  logicalId: string;
  /** The name functions see, e.g. `UserProfile-<apiId>-NONE` or `sandbox-dev-otp-challenges`. */
  tableName: string;
  /** The model name for Amplify model tables (`UserProfile`), undefined for custom tables. */
  modelName?: string;
  keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  globalSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
  streamViewType?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  ttlAttribute?: string;
  /**
   * A Gen 1 table adopted by name (`Custom::ImportedAmplifyDynamoDBTable`): as on AWS, it is
   * never created, only checked against this definition, and must exist before the sandbox starts.
   */
  imported?: boolean;
}

/** One function of the backend, from its synthesized bundle. */
export interface FunctionSpec {
  /** The Amplify name (`auth-create-challenge`). */
  name: string;
  /** Folder holding the bundle (index.mjs). */
  bundleDir: string;
  /** `index.handler` */
  handler: string;
  timeoutSeconds: number;
  memoryMB: number;
  /** Environment with every intrinsic resolved to a local value. */
  environment: Record<string, string>;
  /** The execution role's ARN; the API sees calls from the function as this role. */
  roleArn?: string;
  /**
   * The statements of the IAM policies attached to the execution role, resolved: what the local
   * services check a signed call against (appsync:GraphQL, cognito-idp:Admin*, …).
   */
  iamStatements?: { Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource?: string | string[] }[];
}

export interface InvokeResult {
  ok: boolean;
  /** The handler's return value when ok. */
  result?: unknown;
  /** Lambda's error shape when not ok; `errorType: 'TimeoutError'` when it ran out of time. */
  error?: { errorType: string; errorMessage: string; stack?: string[] };
  durationMs: number;
}

/** Runs functions; each in its own worker with its own environment, timeout and memory. */
export interface FunctionInvoker {
  invoke(functionName: string, event: unknown): Promise<InvokeResult>;
  has(functionName: string): boolean;
}

/** A DynamoDB stream or SQS event source mapping as synthesized (AWS::Lambda::EventSourceMapping). */
export interface EventSourceMappingSpec {
  functionName: string;
  /** The table name for a stream source, the queue name for an SQS source. */
  source: { kind: 'dynamodb-stream'; tableName: string } | { kind: 'sqs'; queueName: string };
  batchSize: number;
  maximumBatchingWindowSeconds?: number;
  /** FilterCriteria.Filters[].Pattern, as JSON strings. */
  filterPatterns: string[];
  reportBatchItemFailures: boolean;
  bisectBatchOnFunctionError: boolean;
  /** -1 = infinite (the AWS default the design forbids). */
  maximumRetryAttempts: number;
  maximumRecordAgeInSeconds: number;
  /** SQS queue name receiving failed stream batches. */
  onFailureQueueName?: string;
  startingPosition?: 'LATEST' | 'TRIM_HORIZON';
}

/** Something the dev inbox shows; each capture is appended to one of these lists. */
export interface CaptureLog<T> {
  add(entry: T): void;
  list(): readonly T[];
  clear(): void;
}
