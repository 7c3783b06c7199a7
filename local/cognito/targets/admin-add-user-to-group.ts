import { adminTargetUser, requireGroup, type Target } from '../services';

interface GroupMembershipRequest {
  UserPoolId?: string;
  Username?: string;
  GroupName?: string;
}

/** Idempotent, as the post-confirmation trigger relies on (Cognito may run it three times). */
export const adminAddUserToGroup: Target<'config' | 'users'> =
  (services) => async (request: GroupMembershipRequest) => {
    const user = adminTargetUser(services, request);
    const group = requireGroup(services, request);
    services.users.update(user.username, (stored) => {
      if (!stored.groups.includes(group)) stored.groups.push(group);
    });
    return {};
  };
