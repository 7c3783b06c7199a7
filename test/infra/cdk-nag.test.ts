import { beforeAll, describe, expect, it } from 'vitest';
import { AMPLIFY_GENERATED_FINDINGS } from '../../amplify/custom/nag-suppressions';
import { DEPLOYMENTS, type DeploymentKey, type Synth, synthAll } from './synth';

const KEYS = Object.keys(DEPLOYMENTS) as DeploymentKey[];

let synths: Record<DeploymentKey, Synth>;

beforeAll(async () => {
  synths = await synthAll(KEYS);
});

describe('cdk-nag AwsSolutions', () => {
  it.each(KEYS)('reports no unacknowledged error in any stack of the %s synth', (key) => {
    const deployment = synths[key];
    // The checks ran: they found Amplify's findings, which nag-suppressions.ts explains.
    expect(deployment.amplifyGeneratedAcknowledged.length).toBeGreaterThan(0);
    // A plugin with nothing left to report is left out of the report.
    const errors = deployment.validationReport.pluginReports
      .filter((plugin) => plugin.pluginName === 'AwsSolutions')
      .flatMap((plugin) => plugin.violations)
      .filter((violation) => violation.severity === 'error')
      .map((violation) => ({
        rule: violation.ruleName,
        at: violation.violatingConstructs.map((construct) => construct.constructPath),
      }));
    expect(errors).toEqual([]);
  });

  it.each(KEYS)("leaves no warning unacknowledged either, cdk-nag's or CloudFormation's own (%s)", (key) => {
    const warnings = synths[key].validationReport.pluginReports.flatMap((plugin) =>
      plugin.violations.map((violation) => `${plugin.pluginName} ${violation.ruleName}`),
    );
    expect(warnings).toEqual([]);
  });

  it('needs every Amplify-generated acknowledgement in at least one deployment', () => {
    const used = new Set<string>();
    for (const key of KEYS) {
      for (const acknowledged of synths[key].amplifyGeneratedAcknowledged) {
        used.add(`${acknowledged.entry} ${acknowledged.ruleName.replace(/\[.*$/s, '')}`);
      }
    }
    const declared = AMPLIFY_GENERATED_FINDINGS.flatMap((entry) =>
      Object.keys(entry.rules).map((rule) => `${entry.path.source} ${rule}`),
    );
    expect(declared.filter((entry) => !used.has(entry))).toEqual([]);
  });
});
