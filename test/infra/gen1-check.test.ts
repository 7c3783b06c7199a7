import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Synth, synth } from './synth';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/gen1');
const work = mkdtempSync(join(tmpdir(), 'bootalk-gen1-check-test-'));
let backend: Synth;

beforeAll(async () => {
  backend = await synth('prod');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The checker against this backend's synth (the prod branch), as an operator runs it. */
function check(project: string, ...extra: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/gen1-check.ts',
      '--from',
      project,
      '--env',
      'prod',
      '--branch',
      'main',
      '--assembly',
      backend.dir,
      ...extra,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function projectCopy(name: string, edit?: (root: string) => void): string {
  const copy = mkdtempSync(join(work, `${name}-`));
  cpSync(join(FIXTURES, 'bootalk-gen1'), copy, { recursive: true });
  edit?.(copy);
  return copy;
}

function editFile(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

describe('npm run gen1:check', () => {
  it('exits 0 for a compatible Gen 1 project and says how to check the streams', () => {
    const { code, out } = check(join(FIXTURES, 'bootalk-gen1'));
    expect(code).toBe(0);
    expect(out).toMatch(/ok\s+Message\s+index messagesByConversationIdAndCreatedAt/);
    expect(out).toContain('StreamViewType=NEW_AND_OLD_IMAGES');
    expect(out).toContain('Nothing blocks adoption');
  });

  it('exits 1 naming each blocker of a first-generation Gen 1 project, and writes nothing', () => {
    const adoption = join(work, 'blocked.json');
    writeFileSync(adoption, '{}\n');
    const { code, out } = check(
      join(FIXTURES, 'bootalk-gen1-blockers'),
      '--write',
      '--adoption-file',
      adoption,
    );
    expect(code).toBe(1);
    for (const blocker of [
      /BLOCK\s+ConversationMember\s+primary key\s+id\s+conversationId \+ userId \(sort\)/,
      /BLOCK\s+Message\s+index gsi-Conversation\.messages\s+conversationMessagesId\s+missing/,
      /BLOCK\s+Message\s+index messagesByConversationIdAndCreatedAt\s+missing/,
      /BLOCK\s+user pool\s+sign-in \(username attributes\)/,
      /BLOCK\s+user pool\s+alias attributes/,
      /BLOCK\s+user pool\s+required attributes\s+email\s+phone_number/,
      /BLOCK\s+user pool\s+custom attributes\s+custom:legacyUserId/,
    ]) {
      expect(out).toMatch(blocker);
    }
    expect(out).toMatch(/NOTE\s+data\s+DataStore conflict detection\s+VERSION/);
    expect(out).toMatch(/NOTE\s+user pool\s+Gen 1 triggers without a Gen 2 one\s+PreTokenGeneration/);
    expect(out).toContain('8 blocker(s)');
    expect(readFileSync(adoption, 'utf8')).toBe('{}\n');
  });

  it('blocks an index whose keys differ and MFA that Gen 1 requires', () => {
    const project = projectCopy('index-and-mfa', (root) => {
      editFile(join(root, 'amplify/backend/api/bootalk/schema.graphql'), (text) =>
        text.replace(
          '@index(name: "devicesByUserId"',
          '@index(name: "devicesByUserId", sortKeyFields: ["token"]',
        ),
      );
      editFile(join(root, 'amplify/backend/auth/bootalkAuth/cli-inputs.json'), (text) =>
        text.replace('"mfaConfiguration": "OFF"', '"mfaConfiguration": "ON"'),
      );
    });
    const { code, out } = check(project);
    expect(code).toBe(1);
    expect(out).toMatch(/BLOCK\s+Device\s+index devicesByUserId\s+userId \+ token \(sort\)\s+userId/);
    expect(out).toMatch(/BLOCK\s+user pool\s+MFA\s+ON\s+OFF/);
  });

  it('exits 2 with the reason when the env has no amplify-meta.json entry and no --api-id', () => {
    const project = projectCopy('no-meta', (root) => rmSync(join(root, 'amplify/backend/amplify-meta.json')));
    const { code, err } = check(project);
    expect(code).toBe(2);
    expect(err).toContain('--api-id');
    expect(check(project, '--api-id', 'x7k2m4q9r1t5w8y3z6b0c2d4e6').code).toBe(0);
  });

  it('records the Gen 1 tables for the branch with --write, keeping other branches', () => {
    const adoption = join(work, 'adoption.json');
    writeFileSync(adoption, JSON.stringify({ sandbox: { tables: {} } }));
    const { code } = check(join(FIXTURES, 'bootalk-gen1'), '--write', '--adoption-file', adoption);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(adoption, 'utf8'))).toEqual({
      sandbox: { tables: {} },
      main: {
        tables: {
          UserProfile: 'UserProfile-x7k2m4q9r1t5w8y3z6b0c2d4e6-prod',
          Device: 'Device-x7k2m4q9r1t5w8y3z6b0c2d4e6-prod',
          Conversation: 'Conversation-x7k2m4q9r1t5w8y3z6b0c2d4e6-prod',
          ConversationMember: 'ConversationMember-x7k2m4q9r1t5w8y3z6b0c2d4e6-prod',
          Message: 'Message-x7k2m4q9r1t5w8y3z6b0c2d4e6-prod',
        },
      },
    });
  });
});
