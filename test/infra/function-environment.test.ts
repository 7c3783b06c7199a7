import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EnvReads, envReadsOf, FUNCTIONS_DIR } from './function-env-reads';
import { functionNamed } from './function-policies';
import { type Synth, synthAll } from './synth';

/** Set by Lambda on every function (the runtime's reserved variables), never by the wiring. */
const SET_BY_LAMBDA = new Set(['AWS_REGION', 'AWS_LAMBDA_FUNCTION_NAME']);

const FUNCTION_NAMES = readdirSync(FUNCTIONS_DIR).filter((name) =>
  existsSync(join(FUNCTIONS_DIR, name, 'handler.ts')),
);
const reads = new Map<string, EnvReads>(FUNCTION_NAMES.map((name) => [name, envReadsOf(name)]));

describe("what each function's code reads from its environment", () => {
  it('covers all 29 functions', () => {
    expect(FUNCTION_NAMES).toHaveLength(29);
  });

  it('never imports a wiring.ts or the CDK: wiring is synth-time code', () => {
    const cdkSide = /^(?:wiring|resource|resources)\.ts$/;
    const offending = readdirSync(FUNCTIONS_DIR, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !cdkSide.test(file.split('/').pop()!))
      .filter((file) =>
        /from '(?:aws-cdk-lib[^']*|[^']*\/wiring|[^']*function-wiring)'/.test(
          readFileSync(join(FUNCTIONS_DIR, file), 'utf8'),
        ),
      );
    expect(offending).toEqual([]);
  });

  it('names every variable by its env-names constant, never by a bare string', () => {
    const bare: Record<string, string[]> = {};
    for (const name of FUNCTION_NAMES) {
      const found = reads.get(name)!.bareReads;
      if (found.length > 0) bare[name] = found;
    }
    expect(bare).toEqual({});
  });

  it("follows the handler's imports declaration by declaration, through shared/config.ts accessors", () => {
    const pushPlanner = reads.get('message-push')!;
    for (const name of ['MESSAGE_TABLE_NAME', 'PUSH_QUEUE_URL', 'IDEMPOTENCY_TABLE_NAME']) {
      expect(pushPlanner.required).toContain(name);
    }
    // The webhook verifies tokens with shared/service-token.ts but never signs one.
    const webhook = reads.get('rest-legacy-webhook')!;
    expect(webhook.required).toContain('LEGACY_WEBHOOK_KEY');
    expect(webhook.required).not.toContain('SERVICE_TOKEN_KEY');
    // A default in the code makes a read optional.
    expect(reads.get('user-delete-cascade')!.optional).toContain('DELETED_USER_MESSAGE_BODY');
  });
});

describe.each(['sandbox', 'prod'] as const)('the %s deployment', (key) => {
  let synth: Synth;
  beforeAll(async () => {
    synth = (await synthAll([key]))[key];
  });

  it('sets on each function every variable its code requires', () => {
    const unset: Record<string, string[]> = {};
    for (const name of FUNCTION_NAMES) {
      const { Variables } = functionNamed(synth, name).resource.Properties!.Environment as {
        Variables: Record<string, unknown>;
      };
      const missing = [...reads.get(name)!.required].filter(
        (variable) => !SET_BY_LAMBDA.has(variable) && !(variable in Variables),
      );
      if (missing.length > 0) unset[name] = missing.sort();
    }
    expect(unset).toEqual({});
  });
});
