import type { AppSyncIdentity, AppSyncIdentityCognito } from 'aws-lambda';
import type { Caller } from './operations/operation';

/** The signed-in user behind a call and their role, from their Cognito groups. */
export function callerOf(identity: AppSyncIdentity | null | undefined): Caller {
  const cognito = identity as AppSyncIdentityCognito | null | undefined;
  if (!cognito?.sub) throw new Error('Unauthorized: a signed-in user is required');
  const groups = (cognito.groups ??
    (cognito.claims?.['cognito:groups'] as string[] | undefined) ??
    []) as string[];
  const role = groups.includes('ADMINS') ? 'ADMIN' : groups.includes('BROKERS') ? 'BROKER' : 'USER';
  return { userId: cognito.sub, role };
}
