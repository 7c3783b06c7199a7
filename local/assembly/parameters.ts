import type { Templates } from './templates';

export interface ParameterSpec {
  name: string;
  type: string;
  value: string;
}

/** SSM: the parameters the stacks write. */
export function readSsmParameters(t: Templates): ParameterSpec[] {
  return t.ofType('AWS::SSM::Parameter').map((located) => {
    const p = t.props(located);
    return { name: String(p.Name), type: String(p.Type ?? 'String'), value: String(p.Value) };
  });
}
