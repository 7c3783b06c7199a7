/**
 * Can this backend adopt a Gen 1 env? (docs/migration.md, step 1)
 *
 *   npm run gen1:check -- --from <Gen 1 project> --env <gen1 env> --branch <gen2 branch> [--write]
 *
 * Prints one row per finding; exits 0 when nothing blocks adoption, 1 naming each blocker, 2 when
 * the Gen 1 project cannot be read. `--write` records the table mapping for the branch in
 * amplify/migration/gen1-resources.json (only when nothing blocks). `--api-id` when the Gen 1
 * project has no amplify-meta.json for that env; `--assembly <dir>` reuses a synth of this backend.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GEN1_RESOURCES_FILE, parseGen1Resources } from '../amplify/migration/gen1-resources';
import { backendSide, removeSynth, synthesizeBackend } from './gen1/backend';
import { blockers, compare, formatFindings } from './gen1/compare';
import { type Gen1Project, Gen1ProjectError, readGen1Project } from './gen1/project';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    env: { type: 'string' },
    branch: { type: 'string' },
    'api-id': { type: 'string' },
    write: { type: 'boolean', default: false },
    assembly: { type: 'string' },
    'adoption-file': { type: 'string' },
  },
});

if (!values.from || !values.env || !values.branch) {
  console.error(
    'usage: npm run gen1:check -- --from <Gen 1 project> --env <gen1 env> --branch <gen2 branch> [--write]',
  );
  process.exit(2);
}

let gen1: Gen1Project;
try {
  gen1 = readGen1Project(
    resolve(values.from),
    values.env,
    values['api-id'] ? { apiId: values['api-id'] } : {},
  );
} catch (error) {
  if (!(error instanceof Gen1ProjectError || error instanceof SyntaxError)) throw error;
  console.error(`gen1:check: ${error.message}`);
  process.exit(2);
}

const synthDir = values.assembly ?? synthesizeBackend(values.branch);
let side: ReturnType<typeof backendSide>;
try {
  side = backendSide(synthDir);
} finally {
  if (!values.assembly) removeSynth(synthDir);
}

const findings = compare(gen1, side);
console.log(`Gen 1 env ${gen1.env} (API ${gen1.apiName}, ${gen1.apiId}) → Gen 2 branch ${values.branch}\n`);
console.log(formatFindings(findings));
const blocking = blockers(findings);
if (blocking.length > 0) {
  console.log(`\n${blocking.length} blocker(s): adoption would fail or lose data. Nothing written.`);
  for (const finding of blocking)
    console.log(
      `- ${finding.subject}: ${finding.setting} (Gen 1 ${finding.gen1}, this backend ${finding.gen2})`,
    );
  process.exit(1);
}

const adopted = Object.fromEntries(
  gen1.tables
    .filter((table) => side.tables.some((mine) => mine.modelName === table.model))
    .map((table) => [table.model, table.tableName]),
);
if (values.write) {
  const file = values['adoption-file'] ? resolve(values['adoption-file']) : GEN1_RESOURCES_FILE;
  const current = parseGen1Resources(readFileSync(file, 'utf8'), file);
  current[values.branch] = { tables: adopted };
  writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
  console.log(
    `\nNothing blocks adoption. Wrote ${Object.keys(adopted).length} table(s) for branch ${values.branch} to ${file}.`,
  );
} else {
  console.log(
    `\nNothing blocks adoption of ${Object.keys(adopted).join(', ')}. Re-run with --write to record it.`,
  );
}
