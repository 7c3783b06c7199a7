import type { Tables } from '../../custom/tables/resource';
import type { BackendFunction } from '../../function-wiring';
import { allowItems } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/** The challenge auth-create-challenge stored: read, counted, removed once answered. */
export function wireAuthVerifyChallenge(fn: BackendFunction, { tables }: { tables: Tables }): void {
  fn.addEnvironment(ENV.OTP_TABLE_NAME, tables.otpChallenges.tableName);
  allowItems(fn.resources.lambda, tables.otpChallenges.tableArn, ['GetItem', 'PutItem', 'DeleteItem']);
}
