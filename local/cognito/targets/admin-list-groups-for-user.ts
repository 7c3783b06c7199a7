import { adminTargetUser, groupDescription, type Target } from '../services';

export const adminListGroupsForUser: Target<'config' | 'users' | 'startedAt'> =
  (services) => async (request: { UserPoolId?: string; Username?: string }) => {
    const user = adminTargetUser(services, request);
    const groups = services.config.groups.filter((name) => user.groups.includes(name));
    return { Groups: groups.map((name) => groupDescription(services, name)) };
  };
