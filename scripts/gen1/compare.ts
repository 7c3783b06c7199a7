/**
 * Whether this backend can adopt a Gen 1 env: per model, the table Amplify would import (its key
 * and every index must be exactly what this backend's schema makes: the import compares them and
 * fails the deployment otherwise), and the user pool settings Cognito never changes after creation.
 */
import type { TableSpec } from '../../local/contracts';
import type { Gen1Project, KeyElement } from './project';

export type Severity = 'ok' | 'note' | 'block';

export interface Finding {
  severity: Severity;
  subject: string;
  setting: string;
  gen1: string;
  gen2: string;
  /** What to do (blockers and notes). */
  action?: string;
}

/** This backend's side, from its synthesized templates. */
export interface BackendSide {
  tables: Pick<TableSpec, 'modelName' | 'keySchema' | 'globalSecondaryIndexes' | 'streamViewType'>[];
  userPool: {
    usernameAttributes: string[];
    aliasAttributes: string[];
    requiredAttributes: string[];
    customAttributes: string[];
    usernameCaseSensitive: boolean;
    mfaConfiguration: string;
    /** LambdaConfig keys: DefineAuthChallenge, PreSignUp, … */
    triggers: string[];
  };
}

const keyText = (keys: readonly KeyElement[]) =>
  keys.map((key) => `${key.AttributeName}${key.KeyType === 'RANGE' ? ' (sort)' : ''}`).join(' + ') || '—';
const listText = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : '—');

/** Gen 1 cli-inputs trigger names → CloudFormation LambdaConfig keys. */
const TRIGGER_KEYS: Record<string, string> = {
  PreSignup: 'PreSignUp',
  PostConfirmation: 'PostConfirmation',
  PreAuthentication: 'PreAuthentication',
  PostAuthentication: 'PostAuthentication',
  DefineAuthChallenge: 'DefineAuthChallenge',
  CreateAuthChallenge: 'CreateAuthChallenge',
  VerifyAuthChallengeResponse: 'VerifyAuthChallengeResponse',
  PreTokenGeneration: 'PreTokenGeneration',
  CustomMessage: 'CustomMessage',
  UserMigration: 'UserMigration',
};
const CUSTOM_AUTH = ['DefineAuthChallenge', 'CreateAuthChallenge', 'VerifyAuthChallengeResponse'];

export function compare(gen1: Gen1Project, backend: BackendSide): Finding[] {
  return [...compareTables(gen1, backend), ...compareUserPool(gen1, backend)];
}

function compareTables(gen1: Gen1Project, backend: BackendSide): Finding[] {
  const findings: Finding[] = [];
  const gen2Models = new Map(backend.tables.filter((t) => t.modelName).map((t) => [t.modelName!, t]));
  for (const table of gen1.tables) {
    const mine = gen2Models.get(table.model);
    if (!mine) {
      findings.push({
        severity: 'note',
        subject: table.model,
        setting: 'model',
        gen1: table.tableName,
        gen2: 'no such model',
        action:
          'Not adopted: its items stay in the Gen 1 table; copy what is still needed before deleting it.',
      });
      continue;
    }
    const sameKey = keyText(table.keySchema) === keyText(mine.keySchema);
    findings.push({
      severity: sameKey ? 'ok' : 'block',
      subject: table.model,
      setting: 'primary key',
      gen1: keyText(table.keySchema),
      gen2: keyText(mine.keySchema),
      ...(sameKey
        ? {}
        : {
            action:
              'A table key never changes: do not adopt this table; let the branch create a fresh one and copy ' +
              'the items into it with their new key (or give the model the Gen 1 key in amplify/data/resource.ts).',
          }),
    });
    const gen2Indexes = new Map(mine.globalSecondaryIndexes.map((index) => [index.IndexName, index]));
    const names = [...new Set([...Object.keys(table.indexes), ...gen2Indexes.keys()])].sort();
    for (const name of names) {
      const theirs = table.indexes[name];
      const ours = gen2Indexes.get(name);
      const gen1Text = theirs ? keyText(theirs) : 'missing';
      const gen2Text = ours ? keyText(ours.KeySchema) : 'missing';
      const projectsAll = !ours || ours.Projection.ProjectionType === 'ALL';
      const same = gen1Text === gen2Text && projectsAll;
      findings.push({
        severity: same ? 'ok' : 'block',
        subject: table.model,
        setting: `index ${name}`,
        gen1: gen1Text,
        gen2: gen2Text,
        ...(same
          ? {}
          : {
              action: !theirs
                ? `Add @index(name: "${name}") on ${keyText(ours!.KeySchema)} to the Gen 1 schema and amplify push ` +
                  '(one new index per push) before adopting: the import requires the same indexes.'
                : !ours
                  ? `Remove index ${name} from the Gen 1 schema (amplify push) or define it in amplify/data/resource.ts: ` +
                    'the import requires the same indexes.'
                  : `Index ${name} has other keys in Gen 1: rename one side's index, push, and re-run this check.`,
            }),
      });
    }
    if (mine.streamViewType) {
      findings.push({
        severity: 'note',
        subject: table.model,
        setting: 'stream',
        gen1: 'check on AWS',
        gen2: mine.streamViewType,
        action:
          `aws dynamodb describe-table --table-name ${table.tableName} --query Table.StreamSpecification must show ` +
          `${mine.streamViewType}; if off: aws dynamodb update-table --table-name ${table.tableName} ` +
          `--stream-specification StreamEnabled=true,StreamViewType=${mine.streamViewType} (Gen 1's transformer ` +
          'turns it on; a manual change may have turned it off). The import also requires PAY_PER_REQUEST, the ' +
          'default encryption key and deletion protection on: aws dynamodb update-table --table-name ' +
          `${table.tableName} --deletion-protection-enabled (docs/migration.md, step 2).`,
      });
    }
  }
  for (const model of gen2Models.keys()) {
    if (!gen1.tables.some((table) => table.model === model)) {
      findings.push({
        severity: 'ok',
        subject: model,
        setting: 'model',
        gen1: 'no such model',
        gen2: 'fresh table',
      });
    }
  }
  if (gen1.conflictDetection) {
    findings.push({
      severity: 'note',
      subject: 'data',
      setting: 'DataStore conflict detection',
      gen1: gen1.conflictDetection,
      gen2: 'off',
      action:
        'Gen 1 items carry _version/_lastChangedAt/_deleted and deletes were soft: run npm run gen1:backfill ' +
        '-- --dry-run, then without --dry-run, before the apps switch (docs/migration.md, "Data written by Gen 1").',
    });
  }
  return findings;
}

function compareUserPool(gen1: Gen1Project, backend: BackendSide): Finding[] {
  const theirs = gen1.userPool;
  const ours = backend.userPool;
  if (!theirs) {
    return [
      {
        severity: 'block',
        subject: 'user pool',
        setting: 'auth',
        gen1: 'no Cognito auth resource',
        gen2: 'user pool',
        action: 'Nothing to keep: users would all be new. Confirm the Gen 1 project path and env.',
      },
    ];
  }
  const findings: Finding[] = [];
  const immutable = (setting: string, gen1Value: string, gen2Value: string, action: string) =>
    findings.push({
      severity: gen1Value === gen2Value ? 'ok' : 'block',
      subject: 'user pool',
      setting,
      gen1: gen1Value,
      gen2: gen2Value,
      ...(gen1Value === gen2Value ? {} : { action }),
    });
  const fixedAtCreation =
    'Cognito fixes this when the pool is created: make amplify/auth/resource.ts match the Gen 1 pool, or keep ' +
    'the Gen 1 pool with referenceAuth (docs/migration.md, "The user pool").';
  immutable(
    'sign-in (username attributes)',
    listText(theirs.usernameAttributes),
    listText(ours.usernameAttributes),
    fixedAtCreation,
  );
  immutable(
    'alias attributes',
    listText(theirs.aliasAttributes),
    listText(ours.aliasAttributes),
    fixedAtCreation,
  );
  immutable(
    'phone number as sign-in',
    String(theirs.usernameAttributes.includes('phone_number')),
    String(ours.usernameAttributes.includes('phone_number')),
    fixedAtCreation,
  );
  immutable(
    'required attributes',
    listText(theirs.requiredAttributes),
    listText(ours.requiredAttributes),
    fixedAtCreation,
  );
  immutable(
    'username case sensitive',
    String(theirs.usernameCaseSensitive),
    String(ours.usernameCaseSensitive),
    fixedAtCreation,
  );
  const missingCustom = theirs.customAttributes.filter((name) => !ours.customAttributes.includes(name));
  findings.push({
    severity: missingCustom.length === 0 ? 'ok' : 'block',
    subject: 'user pool',
    setting: 'custom attributes',
    gen1: listText(theirs.customAttributes),
    gen2: listText(ours.customAttributes),
    ...(missingCustom.length === 0
      ? {}
      : {
          action: `A custom attribute is never removed: add ${missingCustom.join(', ')} to defineAuth userAttributes.`,
        }),
  });
  const mfaOk = theirs.mfaConfiguration === ours.mfaConfiguration || theirs.mfaConfiguration !== 'ON';
  findings.push({
    severity: mfaOk ? 'ok' : 'block',
    subject: 'user pool',
    setting: 'MFA',
    gen1: theirs.mfaConfiguration,
    gen2: ours.mfaConfiguration,
    ...(mfaOk
      ? {}
      : { action: `MFA required (ON) cannot be turned off on an existing pool: ${fixedAtCreation}` }),
  });
  const gen1Triggers = theirs.triggers.map((name) => TRIGGER_KEYS[name] ?? name);
  const customAuth = CUSTOM_AUTH.every((name) => ours.triggers.includes(name));
  findings.push({
    severity: customAuth ? 'ok' : 'block',
    subject: 'user pool',
    setting: 'custom-auth triggers',
    gen1: listText(CUSTOM_AUTH.filter((name) => gen1Triggers.includes(name))),
    gen2: listText(CUSTOM_AUTH.filter((name) => ours.triggers.includes(name))),
    ...(customAuth
      ? {}
      : {
          action:
            'This backend signs in by SMS code through the custom-auth triggers: they must be on the pool.',
        }),
  });
  const dropped = gen1Triggers.filter((name) => !ours.triggers.includes(name));
  if (dropped.length > 0) {
    findings.push({
      severity: 'note',
      subject: 'user pool',
      setting: 'Gen 1 triggers without a Gen 2 one',
      gen1: listText(dropped),
      gen2: '—',
      action:
        'The refactor moves the pool, not its Gen 1 trigger functions: what they did stops unless a Gen 2 trigger does it.',
    });
  }
  return findings;
}

export function blockers(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.severity === 'block');
}

/** A plain-text table, one row per finding, then each action. */
export function formatFindings(findings: readonly Finding[]): string {
  const header = ['', 'subject', 'setting', 'Gen 1', 'this backend'];
  const mark = { ok: 'ok', note: 'NOTE', block: 'BLOCK' } as const;
  const rows = findings.map((f) => [mark[f.severity], f.subject, f.setting, f.gen1, f.gen2]);
  const widths = header.map((_, column) =>
    Math.min(48, Math.max(...[header, ...rows].map((row) => row[column]!.length))),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const actions = findings
    .filter((f) => f.action)
    .map((f) => `${mark[f.severity]} ${f.subject} / ${f.setting}: ${f.action}`);
  return [line(header), ...rows.map(line), '', ...actions].join('\n');
}
