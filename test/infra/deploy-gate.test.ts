import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import vitestConfig from '../../vitest.config';
import { functionFolders } from '../deploy/function-bundles';
import { type Synth, synth } from './synth';

/**
 * amplify.yml is what Amplify Hosting runs for every connected branch: the backend must pass the
 * checks that need neither Java nor Chromium before `ampx pipeline-deploy` touches AWS.
 */

const REPO = resolve(import.meta.dirname, '../..');

interface Phase {
  commands?: string[];
}
interface BuildSpec {
  backend: { phases: { preBuild?: Phase; build?: Phase; postBuild?: Phase } };
  frontend?: { cache?: { paths?: string[] } };
  cache?: { paths?: string[] };
}

const spec = parse(readFileSync(join(REPO, 'amplify.yml'), 'utf8')) as BuildSpec;
const scripts = (
  JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** The backend's commands in the order Amplify runs them, each `npm run <script>` replaced by what it runs. */
function backendCommands(): string[] {
  const { preBuild, build, postBuild } = spec.backend.phases;
  return [preBuild, build, postBuild].flatMap((phase) => phase?.commands ?? []).flatMap(expand);
}

function expand(command: string): string[] {
  return command.split('&&').flatMap((part) => {
    const step = part.trim();
    const script = /^npm run ([\w:-]+)$/.exec(step)?.[1];
    if (!script) return [step];
    const body = scripts[script];
    if (!body) throw new Error(`amplify.yml runs "npm run ${script}", which package.json does not define`);
    return expand(body);
  });
}

const commands = backendCommands();
const deployAt = commands.findIndex((command) => /^npx ampx pipeline-deploy\b/.test(command));
if (deployAt < 0) throw new Error('amplify.yml does not run npx ampx pipeline-deploy in its backend phases');
const beforeDeploy = commands.slice(0, deployAt);

/** The vitest runs before the deploy: their --project and path filters. */
function vitestRuns(): Array<{ project?: string; filters: string[] }> {
  return beforeDeploy
    .filter((command) => /^(npx )?vitest run\b/.test(command))
    .map((command) => {
      const args = command
        .replace(/^(npx )?vitest run/, '')
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      const projectAt = args.indexOf('--project');
      const projectValueAt = projectAt >= 0 ? projectAt + 1 : -1;
      return {
        project: projectAt >= 0 ? args[projectValueAt] : undefined,
        filters: args.filter((arg, index) => !arg.startsWith('-') && index !== projectValueAt),
      };
    });
}

/** Test folders (test/<name>) that hold test files. */
function testFolders(): string[] {
  const hasTests = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) =>
      entry.isDirectory() ? hasTests(join(dir, entry.name)) : entry.name.endsWith('.test.ts'),
    );
  return readdirSync(join(REPO, 'test'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && hasTests(join(REPO, 'test', entry.name)))
    .map((entry) => `test/${entry.name}`)
    .sort();
}

/** The folders that need Java (DynamoDB Local) or Chromium (the inbox page), which the gate leaves to .ci/run. */
const NEEDS_JAVA_OR_CHROMIUM = ['test/e2e', 'test/local'];

let prod: Synth;

beforeAll(async () => {
  prod = await synth('prod');
});

describe('amplify.yml', () => {
  it('deploys the backend once, with ampx pipeline-deploy for the branch being built', () => {
    expect(commands.filter((command) => command.includes('pipeline-deploy'))).toEqual([
      'npx ampx pipeline-deploy --branch $AWS_BRANCH --app-id $AWS_APP_ID',
    ]);
  });

  it('lints and type-checks the whole project and amplify/tsconfig.json before the deploy', () => {
    expect(beforeDeploy).toContain('biome check .');
    expect(beforeDeploy).toContain('tsc -p tsconfig.json');
    expect(beforeDeploy).toContain('tsc -p amplify/tsconfig.json');
    expect(commands.slice(deployAt)).not.toContain('tsc -p amplify/tsconfig.json');
  });

  it('runs the unit, infra and deploy-safety tests before the deploy, and every other test folder in CI only', () => {
    const runs = vitestRuns();
    expect(runs).toHaveLength(1);
    const [run] = runs;
    const project = vitestConfig.test?.projects?.find(
      (candidate) =>
        typeof candidate === 'object' && 'test' in candidate && candidate.test?.name === run!.project,
    );
    expect(project, `vitest project "${run!.project}"`).toBeDefined();
    expect(run!.filters.sort()).toEqual(['test/deploy', 'test/infra', 'test/unit']);
    expect(testFolders()).toEqual([...run!.filters, ...NEEDS_JAVA_OR_CHROMIUM].sort());
  });

  it('builds on the Node version every function runs on', () => {
    const nodeVersion = /^nvm use (\d+)$/.exec(
      beforeDeploy.find((command) => command.startsWith('nvm use')) ?? '',
    )?.[1];
    expect(nodeVersion).toBeDefined();
    // Our functions (one per folder under amplify/functions), not Amplify's own custom resources.
    const ours = new Set(functionFolders());
    const runtimes = prod
      .resourcesOfType('AWS::Lambda::Function')
      .map(({ resource }) => ({
        name: (resource.Properties?.Tags as { Key: string; Value: string }[] | undefined)?.find(
          (tag) => tag.Key === 'amplify:friendly-name',
        )?.Value,
        runtime: resource.Properties?.Runtime,
      }))
      .filter(({ name }) => name !== undefined && ours.has(name));
    expect(runtimes).toHaveLength(ours.size);
    expect(new Set(runtimes.map(({ runtime }) => runtime))).toEqual(new Set([`nodejs${nodeVersion}.x`]));
  });

  it('installs from the lock file with the npm cache it keeps between builds', () => {
    const install = beforeDeploy.find((command) => command.startsWith('npm ci'));
    expect(install).toMatch(/^npm ci --cache \.npm\b/);
    expect(beforeDeploy.indexOf(install!)).toBeLessThan(beforeDeploy.indexOf('biome check .'));
    const cached = [...(spec.cache?.paths ?? []), ...(spec.frontend?.cache?.paths ?? [])];
    expect(cached).toContain('.npm/**/*');
  });
});
