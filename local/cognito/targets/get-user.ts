import { attributeList, signedInUser, type Target } from '../services';

export const getUser: Target<'tokens' | 'users'> =
  (services) => async (request: { AccessToken?: string }) => {
    const user = await signedInUser(services, request);
    return { Username: user.username, UserAttributes: attributeList(user) };
  };
