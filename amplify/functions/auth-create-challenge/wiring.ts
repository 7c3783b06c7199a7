import type { Tables } from '../../custom/tables/resource';
import type { BackendFunction } from '../../function-wiring';
import { allowItems, allowSmsOnly } from '../../iam-grants';
import { ENV } from '../shared/env-names';

/** The challenge it stores for auth-verify-challenge, and SMS to phone numbers only. */
export function wireAuthCreateChallenge(fn: BackendFunction, { tables }: { tables: Tables }): void {
  fn.addEnvironment(ENV.OTP_TABLE_NAME, tables.otpChallenges.tableName);
  allowItems(fn.resources.lambda, tables.otpChallenges.tableArn, ['GetItem', 'PutItem', 'DeleteItem']);
  allowSmsOnly(fn.resources.lambda);
}
