/**
 * What the infra tests synthesize: the backend exactly as `ampx` runs it, plus the cdk-nag
 * AwsSolutions checks (test only: production synths don't run them). Run by test/infra/synth.ts
 * in a child process with CDK_OUTDIR set, so the app writes its assembly on exit; the checks'
 * findings land in the assembly's validation-report.json.
 */
import { writeFileSync } from 'node:fs';
import { type IPolicyValidationContext, type PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { backend } from '../../amplify/backend';
import { acknowledgeAmplifyGeneratedFindings } from '../../amplify/custom/nag-suppressions';

/**
 * AwsSolutions, after acknowledging the Amplify-generated findings that
 * amplify/custom/nag-suppressions.ts explains. It runs at validation time because the finding
 * ids contain values (nested-stack parameter names) that only exist once the app is prepared.
 */
class AwsSolutionsChecksForAmplify extends AwsSolutionsChecks {
  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const app = (context as IPolicyValidationContext & { appConstruct: IConstruct }).appConstruct;
    const acknowledged = acknowledgeAmplifyGeneratedFindings(app, this.validateScope(app).violations);
    // For the tests: which Amplify-generated findings were acknowledged, and why.
    const acknowledgedFile = process.env.NAG_ACKNOWLEDGED_FILE;
    if (acknowledgedFile) writeFileSync(acknowledgedFile, JSON.stringify(acknowledged, null, 2));
    return super.validate(context);
  }
}

const app = backend.stack.node.root;
Validations.of(app).addPlugins(new AwsSolutionsChecksForAmplify(app, { verbose: true }));
