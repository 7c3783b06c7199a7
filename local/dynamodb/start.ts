import type { StartStep } from '../start-step';
import { createTables, type DynamoDbLocal } from './dynamodb-local';

/** DynamoDB: the synthesized tables on DynamoDB Local. */
export async function startTables(
  { inventory, endpoints, progress }: StartStep,
  starting: Promise<DynamoDbLocal>,
): Promise<DynamoDbLocal> {
  const dynamodb = await starting;
  await createTables(dynamodb.client, inventory.tables);
  progress('DynamoDB', `${inventory.tables.length} tables at ${endpoints.dynamodbUrl}`);
  return dynamodb;
}
