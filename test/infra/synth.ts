/**
 * One offline synth per deployment for the whole infra suite.
 *
 * Each synth runs `test/infra/synth-entry.ts` in a child process, the way `ampx` runs
 * amplify/backend.ts (environment.ts reads the deployment from CDK_CONTEXT_JSON when it is
 * imported, so every deployment needs a fresh process anyway). The cloud assembly is cached on
 * disk, keyed by this test run and by the sources that shape a synth, so the test files (which
 * vitest runs in separate processes) share it; a lock directory makes the first process to ask
 * for a deployment synthesize it while the others wait.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Template } from 'aws-cdk-lib/assertions';
import type { Acknowledged } from '../../amplify/custom/nag-suppressions';
import { PUSH_CONTEXT_KEYS } from '../../amplify/environment';
import { GEN1_RESOURCES_CONTEXT_KEY } from '../../amplify/migration/gen1-resources';
import {
  OFFLINE_APP_ID,
  type SynthIdentifier,
  synthContext,
  synthesizedStackName,
} from '../../scripts/synth-context';

const REPO = resolve(import.meta.dirname, '../..');
const ENTRY = join(REPO, 'test/infra/synth-entry.ts');
const ACKNOWLEDGED_FILE = 'amplify-generated-acknowledged.json';
export const GEN1_ADOPTION_FIXTURE = join(REPO, 'test/fixtures/gen1/adoption.json');

interface DeploymentSpec {
  identifier: SynthIdentifier;
  context?: Record<string, unknown>;
}

/** Push channels configured through the CDK context, as a deployment with credentials would be. */
export const PUSH_CONFIGURED_CONTEXT = {
  [PUSH_CONTEXT_KEYS.apnsTeamId]: 'TEAMID1234',
  [PUSH_CONTEXT_KEYS.apnsKeyId]: 'KEYID12345',
  [PUSH_CONTEXT_KEYS.fcm]: true,
};

/** The Amplify app id the branch deployments are synthesized under (ampx's namespace for a branch). */
export const TEST_APP_ID = OFFLINE_APP_ID;

const branch = (name: string) => ({ type: 'branch', name, appId: TEST_APP_ID }) as const;

export const DEPLOYMENTS = {
  sandbox: { identifier: { type: 'sandbox', name: 'alice' } },
  dev: { identifier: branch('dev') },
  staging: { identifier: branch('staging') },
  prod: { identifier: branch('main') },
  prodWithPush: { identifier: branch('main'), context: PUSH_CONFIGURED_CONTEXT },
  // Branches whose names used to collide with dev's or with each other's.
  develop: { identifier: branch('develop') },
  previewAlpha: { identifier: branch('feature-chat-reactions-alpha') },
  previewBeta: { identifier: branch('feature-chat-reactions-beta') },
  /** A branch that adopts the chat tables of a Gen 1 app (test/fixtures/gen1/adoption.json). */
  gen1Adopted: {
    identifier: branch('gen1-rehearsal'),
    context: { [GEN1_RESOURCES_CONTEXT_KEY]: GEN1_ADOPTION_FIXTURE },
  },
} satisfies Record<string, DeploymentSpec>;

export type DeploymentKey = keyof typeof DEPLOYMENTS;

export interface TemplateFile {
  /** The stack's construct path under the root stack (`messaging`, `data/amplifyData/Message`), or `root`. */
  name: string;
  file: string;
  json: CfnTemplate;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
  Parameters?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  [key: string]: unknown;
}

/** What cdk-nag (a CDK policy validation plugin) reported. */
export interface ValidationReport {
  pluginReports: Array<{
    pluginName: string;
    conclusion: string;
    violations: Array<{
      ruleName: string;
      severity: string;
      violatingConstructs: Array<{ constructPath: string }>;
    }>;
  }>;
}

export class Synth {
  readonly templates: TemplateFile[];

  constructor(
    readonly key: DeploymentKey,
    readonly dir: string,
  ) {
    this.templates = readTemplates(dir);
  }

  /** The CloudFormation stack this synth deploys as. */
  get stackName(): string {
    return synthesizedStackName(this.dir);
  }

  get root(): CfnTemplate {
    return this.templateFile('root').json;
  }

  /** A stack's template by name: `messaging`, `push`, `rest-api`, `tables`, `auth`, `data`. */
  templateFile(name: string): TemplateFile {
    const found = this.templates.find((template) => template.name === name);
    if (!found)
      throw new Error(`No stack "${name}" in ${this.key}: ${this.templates.map((t) => t.name).join(', ')}`);
    return found;
  }

  template(name: string): Template {
    return Template.fromJSON(this.templateFile(name).json);
  }

  /** Every resource of a type across all templates, with the template it is in. */
  resourcesOfType(type: string): Array<{ stack: string; logicalId: string; resource: CfnResource }> {
    return this.templates.flatMap(({ name, json }) =>
      Object.entries(json.Resources ?? {})
        .filter(([, resource]) => resource.Type === type)
        .map(([logicalId, resource]) => ({ stack: name, logicalId, resource })),
    );
  }

  /** The `custom` section that `backend.addOutput` contributes, with its CloudFormation tokens as written. */
  get customOutputs(): unknown {
    return this.root.Outputs?.customOutputs?.Value;
  }

  get validationReport(): ValidationReport {
    return JSON.parse(readFileSync(join(this.dir, 'validation-report.json'), 'utf8'));
  }

  get amplifyGeneratedAcknowledged(): Acknowledged[] {
    return JSON.parse(readFileSync(join(this.dir, ACKNOWLEDGED_FILE), 'utf8'));
  }
}

const CACHE_ROOT = join(tmpdir(), 'bootalk-infra-synth');
const inProcess = new Map<DeploymentKey, Promise<Synth>>();

/** Several deployments at once (they are synthesized one by one per process, shared across processes). */
export function synthAll<K extends DeploymentKey>(keys: readonly K[]): Promise<Record<K, Synth>> {
  return Promise.all(keys.map(synth)).then(
    (synths) => Object.fromEntries(keys.map((key, index) => [key, synths[index]])) as Record<K, Synth>,
  );
}

export function synth(key: DeploymentKey): Promise<Synth> {
  let pending = inProcess.get(key);
  if (!pending) {
    pending = cachedSynth(key);
    inProcess.set(key, pending);
  }
  return pending;
}

async function cachedSynth(key: DeploymentKey): Promise<Synth> {
  const spec: DeploymentSpec = DEPLOYMENTS[key];
  const context = {
    ...synthContext(spec.identifier, { bundle: false }),
    ...spec.context,
    // Leave reporting to the tests: cdk-nag findings must not fail the synth itself.
    '@aws-cdk/core:failSynthOnValidationErrors': false,
  };
  const dir = join(CACHE_ROOT, `${runKey()}-${key}`);
  const lock = `${dir}.lock`;
  pruneOldRuns();
  const deadline = Date.now() + 5 * 60_000;
  while (!existsSync(dir)) {
    // Claim the deployment only when this process is free to synthesize it, so that two test
    // processes asking for the same deployments share them out instead of waiting on each other.
    const claimed = await oneAtATime(async () => {
      if (existsSync(dir) || !tryLock(lock)) return false;
      try {
        if (!existsSync(dir)) await synthesizeInto(dir, context);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      return true;
    });
    if (claimed) break;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for another process to synthesize ${key}`);
    await sleep(200);
  }
  return new Synth(key, dir);
}

/**
 * A synth keeps a core busy for about ten seconds; vitest already runs two test files at once,
 * so each process synthesizes one deployment at a time.
 */
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const result = queue.then(task);
  queue = result.catch(() => undefined);
  return result;
}

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    // A lock left by a killed run: take it over after a while.
    const lockedAt = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (Date.now() - lockedAt > 3 * 60_000) {
      rmSync(lock, { recursive: true, force: true });
    }
    return false;
  }
}

async function synthesizeInto(dir: string, context: Record<string, unknown>): Promise<void> {
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const stderr: string[] = [];
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      cwd: REPO,
      env: {
        ...process.env,
        AMPLIFY_DISABLE_TELEMETRY: '1',
        CDK_OUTDIR: partial,
        CDK_CONTEXT_JSON: JSON.stringify(context),
        NAG_ACKNOWLEDGED_FILE: join(partial, ACKNOWLEDGED_FILE),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    child.on('error', fail);
    child.on('close', done);
  });
  if (code !== 0 || !existsSync(join(partial, 'manifest.json'))) {
    throw new Error(`Synth failed (exit ${code}) for ${JSON.stringify(context)}:\n${stderr.join('')}`);
  }
  renameSync(partial, dir);
}

let pruned = false;

/** Assemblies are ~25 MB each: drop those of runs that ended over an hour ago. */
function pruneOldRuns(): void {
  mkdirSync(CACHE_ROOT, { recursive: true });
  if (pruned) return;
  pruned = true;
  for (const entry of readdirSync(CACHE_ROOT)) {
    const path = join(CACHE_ROOT, entry);
    const modified = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (!entry.startsWith(runKey()) && Date.now() - modified > 60 * 60_000) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

let cachedRunKey: string | undefined;

/**
 * This run (vitest's forked workers share their parent) and the sources a synth depends on, so
 * a cached assembly never outlives the code it was made from, even in watch mode.
 */
function runKey(): string {
  if (!cachedRunKey) {
    const hash = createHash('sha256').update(String(process.ppid));
    const sources = [
      ...listFiles(join(REPO, 'amplify')),
      join(REPO, 'scripts/synth-context.ts'),
      join(REPO, 'test/infra/synth-entry.ts'),
      GEN1_ADOPTION_FIXTURE,
      join(REPO, 'package-lock.json'),
    ];
    for (const file of sources.sort()) hash.update(relative(REPO, file)).update(readFileSync(file));
    cachedRunKey = hash.digest('hex').slice(0, 16);
  }
  return cachedRunKey;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

function readTemplates(dir: string): TemplateFile[] {
  const read = (file: string): CfnTemplate => JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const files = readdirSync(dir);
  const rootFile = files.find(
    (file) => file.endsWith('.template.json') && !file.endsWith('.nested.template.json'),
  );
  if (!rootFile) throw new Error(`No root template in ${dir}`);
  // The assets manifest names every nested stack template after its construct path.
  const assets = JSON.parse(
    readFileSync(join(dir, rootFile.replace('.template.json', '.assets.json')), 'utf8'),
  ) as {
    files: Record<string, { displayName?: string; source: { path?: string } }>;
  };
  const nested = Object.values(assets.files)
    .filter((asset) => asset.source.path?.endsWith('.nested.template.json'))
    .map((asset) => ({
      name: (asset.displayName ?? asset.source.path!).replace(/ Nested Stack Template$/, ''),
      file: asset.source.path!,
    }));
  return [{ name: 'root', file: rootFile }, ...nested].map(({ name, file }) => ({
    name,
    file,
    json: read(file),
  }));
}
