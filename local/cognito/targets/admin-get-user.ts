import { adminTargetUser, attributeList, epochSeconds, type Target } from '../services';

export const adminGetUser: Target<'config' | 'users'> =
  (services) => async (request: { UserPoolId?: string; Username?: string }) => {
    const user = adminTargetUser(services, request);
    return {
      Username: user.username,
      UserAttributes: attributeList(user),
      UserCreateDate: epochSeconds(user.createdAt),
      UserLastModifiedDate: epochSeconds(user.updatedAt),
      Enabled: user.enabled,
      UserStatus: user.status,
    };
  };
