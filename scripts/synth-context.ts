/** The CDK context `ampx` passes to amplify/backend.ts, for offline synths and tests. */
export interface SynthIdentifier {
  type: 'sandbox' | 'branch';
  name: string;
  namespace?: string;
}

export function synthContext(
  identifier: SynthIdentifier,
  options: { bundle: boolean },
): Record<string, unknown> {
  return {
    'amplify-backend-namespace': identifier.namespace ?? 'bootalk',
    'amplify-backend-name': identifier.name,
    'amplify-backend-type': identifier.type,
    ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
  };
}
