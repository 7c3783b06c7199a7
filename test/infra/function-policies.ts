import { expect } from 'vitest';
import type { Synth } from './synth';

export type Statement = {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
};

/** A Lambda function of the synth by its Amplify name (`amplify:friendly-name`). */
export function functionNamed(synth: Synth, name: string) {
  const match = synth
    .resourcesOfType('AWS::Lambda::Function')
    .find(({ resource }) =>
      (resource.Properties!.Tags as { Key: string; Value: string }[] | undefined)?.some(
        (tag) => tag.Key === 'amplify:friendly-name' && tag.Value === name,
      ),
    );
  expect(match, name).toBeDefined();
  return match!;
}

/** Every statement of every policy attached to a function's role, flattened. */
export function policyStatementsOf(synth: Synth, name: string): Statement[] {
  const fn = functionNamed(synth, name);
  const roleLogicalId = (fn.resource.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return synth
    .resourcesOfType('AWS::IAM::Policy')
    .filter(
      ({ stack, resource }) =>
        stack === fn.stack &&
        (resource.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId),
    )
    .flatMap(({ resource }) => (resource.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** A function's actions, sorted, without Amplify's own secret resolution (ssm:GetParameters). */
export function policyActionsOf(synth: Synth, name: string): string[] {
  return policyStatementsOf(synth, name)
    .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]))
    .filter((action) => !action.startsWith('ssm:GetParameters'))
    .sort();
}

/** The resources of the statements that allow `action`, as JSON text (names are in references). */
export function resourcesFor(synth: Synth, name: string, action: string): string[] {
  return policyStatementsOf(synth, name)
    .filter((statement) =>
      (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).includes(action),
    )
    .map((statement) => JSON.stringify(statement.Resource));
}

/** The EventBridge Scheduler schedule that targets a function. */
export function scheduleFor(synth: Synth, name: string) {
  const fn = functionNamed(synth, name);
  const schedule = synth
    .resourcesOfType('AWS::Scheduler::Schedule')
    .find(({ resource }) => JSON.stringify(resource.Properties!.Target).includes(fn.logicalId));
  expect(schedule, `${name} schedule`).toBeDefined();
  return schedule!.resource.Properties!;
}

/** The (first) event source mapping of a function: a queue or a stream. */
export function eventSourceMappingFor(synth: Synth, name: string) {
  const fn = functionNamed(synth, name);
  const mapping = synth
    .resourcesOfType('AWS::Lambda::EventSourceMapping')
    .find(({ resource }) => JSON.stringify(resource.Properties!.FunctionName).includes(fn.logicalId));
  expect(mapping, `${name} event source`).toBeDefined();
  return mapping!.resource.Properties!;
}
