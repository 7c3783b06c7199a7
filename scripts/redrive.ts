/**
 * `npm run redrive -- <failure store> [--dry-run] [--branch <b> | --stage <s> | --sandbox <name> | --local]`
 *
 * Moves a dead-letter queue's messages back to their work queue (SQS StartMessageMoveTask), or
 * replays `stream-failures` to the functions they name. Against AWS with the default credentials;
 * with `--local` (the default when amplify_outputs.json comes from `npm start`) through the running
 * sandbox's dev inbox, which runs the same code (scripts/redrive/failure-stores.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BackendIdentifier, deploymentSettings } from '../amplify/environment';
import { awsRedriveTarget } from './redrive/aws-target';
import { RedriveError, type RedriveReport, redrive } from './redrive/failure-stores';

const USAGE =
  'usage: npm run redrive -- <push-dlq | notice-dlq | legacy-relay-dlq | … | stream-failures> [--dry-run]\n' +
  '       [--branch <main|staging|dev|…> | --stage <prod|staging|dev> | --sandbox <name> | --local]';

const STAGE_BRANCHES: Record<string, string> = { prod: 'main', staging: 'staging', dev: 'dev' };

function awsIdentifier(values: {
  branch?: string;
  stage?: string;
  sandbox?: string;
}): BackendIdentifier | undefined {
  if (values.branch) return { namespace: 'bootalk', name: values.branch, type: 'branch' };
  if (values.stage) {
    const branch = STAGE_BRANCHES[values.stage];
    if (!branch) throw new RedriveError(`--stage must be prod, staging or dev, not "${values.stage}"`);
    return { namespace: 'bootalk', name: branch, type: 'branch' };
  }
  if (values.sandbox) return { namespace: 'bootalk', name: values.sandbox, type: 'sandbox' };
  return undefined;
}

async function viaLocalInbox(outputsPath: string, store: string, dryRun: boolean): Promise<RedriveReport> {
  let inboxUrl: string | undefined;
  try {
    inboxUrl = JSON.parse(readFileSync(resolve(outputsPath), 'utf8')).custom?.localSandbox?.inboxUrl;
  } catch {
    inboxUrl = undefined;
  }
  if (!inboxUrl) {
    throw new RedriveError(
      `${outputsPath} was not written by a running local sandbox (no custom.localSandbox): start \`npm start\`, or name a deployment with --branch/--stage`,
    );
  }
  const response = await fetch(`${inboxUrl}/api/failure-stores/${encodeURIComponent(store)}/redrive`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dryRun }),
  }).catch((error: Error) => {
    throw new RedriveError(
      `the local sandbox's inbox at ${inboxUrl} does not answer (${error.message}): is \`npm start\` running?`,
    );
  });
  const body = (await response.json()) as RedriveReport & { message?: string };
  if (!response.ok) throw new RedriveError(body.message ?? `the inbox answered ${response.status}`);
  return body;
}

function print(report: RedriveReport): void {
  if (report.kind === 'dead-letter-queue') {
    console.log(
      `${report.queue} → ${report.destination}: ${report.count} message(s)${report.dryRun ? ' (dry run: nothing moved)' : ''}`,
    );
    for (const message of report.messages) {
      const attributes = Object.entries(message.attributes).map(([name, value]) => `${name}=${value}`);
      console.log(`  ${message.messageId}  ${message.sentAt ?? ''}  ${attributes.join(' ')}`);
    }
    if (report.task) {
      const { status, moved, toMove, failureReason } = report.task;
      console.log(
        `move task ${status}: ${moved}/${toMove} moved${failureReason ? ` (${failureReason})` : ''}`,
      );
      if (status === 'FAILED') process.exitCode = 1;
    }
    return;
  }
  console.log(
    `${report.queue}: ${report.count} message(s)${report.dryRun ? ' (dry run: nothing replayed)' : ''}`,
  );
  for (const result of report.results) {
    const reason = result.reason ? `  ${result.reason}` : '';
    console.log(
      `  ${result.messageId}  ${result.outcome}  ${result.records} record(s) → ${result.functionArn ?? '?'}${reason}`,
    );
  }
  if (report.results.some((result) => result.outcome === 'failed')) process.exitCode = 1;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'dry-run': { type: 'boolean', default: false },
    branch: { type: 'string' },
    stage: { type: 'string' },
    sandbox: { type: 'string' },
    local: { type: 'boolean', default: false },
    outputs: { type: 'string', default: 'amplify_outputs.json' },
  },
});

try {
  const store = positionals[0];
  if (!store || positionals.length > 1) throw new RedriveError(USAGE);
  const dryRun = values['dry-run']!;
  const identifier = values.local ? undefined : awsIdentifier(values);
  if (identifier) {
    const deployment = deploymentSettings(identifier);
    console.log(
      `${deployment.stage} deployment "${deployment.id}" (names prefixed "${deployment.namePrefix}")`,
    );
    print(
      await redrive(awsRedriveTarget(deployment), store, {
        dryRun,
        onProgress: (line) => console.log(`  ${line}`),
      }),
    );
  } else {
    print(await viaLocalInbox(values.outputs!, store, dryRun));
  }
} catch (error) {
  if (!(error instanceof RedriveError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
