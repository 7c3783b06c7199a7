import { adminTargetUser, requireGroup, type Target } from '../services';

interface GroupMembershipRequest {
  UserPoolId?: string;
  Username?: string;
  GroupName?: string;
}

export const adminRemoveUserFromGroup: Target<'config' | 'users'> =
  (services) => async (request: GroupMembershipRequest) => {
    const user = adminTargetUser(services, request);
    const group = requireGroup(services, request);
    services.users.update(user.username, (stored) => {
      stored.groups = stored.groups.filter((name) => name !== group);
    });
    return {};
  };
