import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';

/**
 * What each `functions/<name>/wiring.ts` receives: the function as `defineBackend` returns it (its
 * Lambda and its environment). CDK code: a function's handler code never imports a wiring.
 */
export interface BackendFunction {
  resources: { lambda: IFunction };
  addEnvironment(name: string, value: string): void;
}

/** The Amplify model tables by model name (`backend.data.resources.tables`). */
export type ModelTables = Partial<Record<string, ITable>>;

export function modelTable(models: ModelTables, model: string): ITable {
  const table = models[model];
  if (!table) throw new Error(`No model table ${model} in the data stack`);
  return table;
}
