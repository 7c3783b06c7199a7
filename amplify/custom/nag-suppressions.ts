import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag (AwsSolutions) findings on resources Amplify generates, which this project neither
 * writes nor can change without patching Amplify. Our own constructs acknowledge their findings
 * beside the code they concern (`Validations.of(…).acknowledge`).
 *
 * cdk-nag 3 only acknowledges exact finding ids, and on these resources the ids embed generated
 * logical ids and per-deployment paths (`AwsSolutions-IAM5[Resource::…referenceto<stack hash>…]`).
 * So each entry names a generated subtree (its construct path under the root stack) and a reason
 * per rule; `acknowledgeAmplifyGeneratedFindings` turns that into exact acknowledgements once the
 * findings are known. The infra tests apply it (test/infra/synth-entry.ts) and fail on any finding
 * no entry explains, and on any entry that no longer explains a finding.
 */
export interface AmplifyGeneratedFindings {
  /** Matches construct paths under the root stack, e.g. `auth/amplifyAuth/UserPool/Resource`. */
  path: RegExp;
  /** Rule id (without the `[finding]` suffix) → why it is accepted there. */
  rules: Record<string, string>;
}

const LAMBDA_BASIC_EXECUTION =
  'Generated custom-resource Lambda with AWSLambdaBasicExecutionRole, which only lets it write its own logs.';
const GENERATED_RUNTIME = 'Runtime pinned by the library that generates this Lambda; it moves with upgrades.';

export const AMPLIFY_GENERATED_FINDINGS: AmplifyGeneratedFindings[] = [
  {
    // defineFunction's `schedule`: the role EventBridge Scheduler assumes to invoke scheduled functions.
    path: /^[\w-]+\/SchedulerRoleForTarget-\w+\/DefaultPolicy\/Resource$/,
    rules: {
      'AwsSolutions-IAM5':
        'EventBridge Scheduler invokes the scheduled function, any of its versions and aliases (<function arn>:*).',
    },
  },
  {
    // Every defineFunction: `<stack>/<name>-lambda/…`.
    path: /^[\w-]+\/[\w-]+-lambda\/(ServiceRole\/Resource|Resource)$/,
    rules: {
      'AwsSolutions-IAM4':
        'defineFunction gives each function AWSLambdaBasicExecutionRole for its own logs; what else it may do is ' +
        'granted per function through resource access (and checked by IAM5 there).',
      'AwsSolutions-L1':
        'Functions deliberately target Node.js 22 (DESIGN §1, CONVENTIONS): the runtime the shared runtime, the ' +
        'bundle check and the local sandbox are tested on. Moving to a newer runtime is its own change.',
    },
  },
  {
    path: /^auth\/amplifyAuth\/UserPool\/smsRole\//,
    rules: {
      'AwsSolutions-IAM5':
        'The role Cognito assumes to send SMS codes: sns:Publish to phone numbers has no resource ARN to scope to.',
    },
  },
  {
    path: /^auth\/amplifyAuth\/UserPool\/Resource/,
    rules: {
      'AwsSolutions-COG2':
        'Sign-in is itself a one-time SMS code (custom auth, DESIGN §2); a second factor would be the same phone.',
      'AwsSolutions-COG8':
        'Threat protection needs the Plus feature plan (per-MAU cost, decision pending); OTP rate limits and ' +
        'lockout are enforced by the auth-create-challenge / auth-verify-challenge triggers.',
    },
  },
  {
    path: /^auth\/amplifyAuth\/IdentityPool/,
    rules: {
      'AwsSolutions-COG7':
        'Amplify enables guest identities by default; the schema grants guests nothing (no allow.guest()). ' +
        'To be turned off in backend.ts once the frontends confirm they use no guest credentials.',
    },
  },
  {
    path: /^data\/amplifyData\/GraphQLAPI\/Resource/,
    rules: {
      'AwsSolutions-ASC3':
        'AppSync request logging is an option of defineData (data/resource.ts `logging`), owned there; ' +
        'resolver errors reach clients and functions report through Sentry meanwhile.',
    },
  },
  {
    path: /^data\/amplifyData\/AmplifyTableManager\//,
    rules: {
      'AwsSolutions-IAM4': LAMBDA_BASIC_EXECUTION,
      'AwsSolutions-IAM5':
        "Amplify's model-table manager may manage every table of this API (table/*-<apiId>-NONE) and invoke " +
        'its own provider functions (function:*TableManager*, state machine step versions).',
    },
  },
  {
    // The role AppSync assumes to call a custom operation's function (a.handler.function).
    path: /^data\/amplifyData\/FunctionDirectiveStack\/Fn\w+LambdaDataSource\/ServiceRole\//,
    rules: {
      'AwsSolutions-IAM5':
        'AppSync invokes the one function behind the operation, any of its versions and aliases (<function arn>:*).',
    },
  },
  {
    // allow.resource(fn) on the schema: the function may call the API's operations with IAM.
    path: /^data\/GraphqlAccessPolicy\d*\//,
    rules: {
      'AwsSolutions-IAM5':
        'A function that writes through AppSync (so subscribers see it) needs its Query/Mutation/Subscription ' +
        'fields; AppSync has no narrower resource than the fields of a type, and the resolvers authorize each row.',
    },
  },
  {
    // `data/amplifyData/<Model>/<Model>IAMRole/…`, one per model.
    path: /^data\/amplifyData\/(\w+)\/\1IAMRole\//,
    rules: {
      'AwsSolutions-IAM5':
        "AppSync's data-source role for a model table: table/<name>/* covers its secondary indexes.",
    },
  },
  {
    path: /^data\/amplifyData\/AmplifyCodegenAssets\/AmplifyCodegenAssetsBucket\//,
    rules: {
      'AwsSolutions-S1':
        'Holds generated client code-generation assets only; no user data to audit access to.',
      'AwsSolutions-S10':
        'Amplify-generated bucket for codegen assets, read by the Amplify CLI through signed SDK calls.',
    },
  },
  {
    path: /^data\/modelIntrospectionSchemaBucket\//,
    rules: {
      'AwsSolutions-S1':
        'Holds the generated model introspection schema only; no user data to audit access to.',
    },
  },
  {
    // CDK BucketDeployment that Amplify uses to upload the codegen assets above.
    path: /^data\/Custom::CDKBucketDeployment/,
    rules: {
      'AwsSolutions-IAM4': LAMBDA_BASIC_EXECUTION,
      'AwsSolutions-IAM5':
        'CDK BucketDeployment copies the asset from the CDK bootstrap bucket into the codegen buckets: object wildcards on those buckets.',
      'AwsSolutions-L1': GENERATED_RUNTIME,
    },
  },
  {
    // Branch deployments only: links the stack to its Amplify Hosting branch.
    path: /^AmplifyBranchLinker\//,
    rules: {
      'AwsSolutions-IAM4': LAMBDA_BASIC_EXECUTION,
      'AwsSolutions-IAM5':
        'Amplify lets its branch linker update this one branch (apps/<app>/branches/<branch>) in any region, and ' +
        'the provider framework invoke any version of the linker function.',
      'AwsSolutions-L1': GENERATED_RUNTIME,
    },
  },
  {
    // Amplify's secret fetcher, created by `secret(…).resolve()` in custom/push when a channel is configured.
    path: /^push\/Push\/AmplifySecretFetcherResourceProvider/,
    rules: {
      'AwsSolutions-IAM4': LAMBDA_BASIC_EXECUTION,
      'AwsSolutions-IAM5':
        "ssm:GetParameter on this backend's and this app's Amplify secret paths (/amplify/…/*), and the " +
        'provider framework invoking any version of the fetcher function.',
      'AwsSolutions-L1': GENERATED_RUNTIME,
    },
  },
];

/** One finding as a policy validation report lists it (cdk-nag's `validateScope` output). */
export interface Finding {
  ruleName: string;
  violatingResources: Array<{ constructPath?: string }>;
}

export interface Acknowledged {
  ruleName: string;
  constructPath: string;
  /** The AMPLIFY_GENERATED_FINDINGS entry that explains it (its path pattern). */
  entry: string;
  reason: string;
}

/**
 * Acknowledges, on the construct itself, every finding that an AMPLIFY_GENERATED_FINDINGS entry
 * explains, and returns what it acknowledged. Findings nothing explains are left alone.
 */
export function acknowledgeAmplifyGeneratedFindings(app: IConstruct, findings: Finding[]): Acknowledged[] {
  const byPath = new Map(app.node.findAll().map((construct) => [construct.node.path, construct]));
  const acknowledged: Acknowledged[] = [];
  for (const finding of findings) {
    const rule = finding.ruleName.replace(/\[.*$/s, '');
    for (const { constructPath } of finding.violatingResources) {
      if (!constructPath) continue;
      const relativePath = constructPath.slice(constructPath.indexOf('/') + 1);
      const entry = AMPLIFY_GENERATED_FINDINGS.find(
        (candidate) => candidate.path.test(relativePath) && candidate.rules[rule] !== undefined,
      );
      const construct = byPath.get(constructPath);
      if (!entry || !construct) continue;
      const reason = entry.rules[rule]!;
      Validations.of(construct).acknowledge({ id: finding.ruleName, reason });
      acknowledged.push({ ruleName: finding.ruleName, constructPath, entry: entry.path.source, reason });
    }
  }
  return acknowledged;
}
