import { randomUUID } from 'node:crypto';
import { maskPhone } from '../../../amplify/functions/shared/otp/phone';
import { triggerAttributes } from '../authentication-result';
import { CognitoError, invalidParameter } from '../errors';
import { callerContext, requireClient, requireString, type Target } from '../services';
import type { CognitoUser } from '../user-store';

interface SignUpRequest {
  ClientId?: string;
  Username?: string;
  Password?: string;
  UserAttributes?: { Name: string; Value?: string }[];
  ValidationData?: { Name: string; Value?: string }[];
  ClientMetadata?: Record<string, string>;
}

interface PreSignUpResponse {
  autoConfirmUser?: boolean;
  autoVerifyEmail?: boolean;
  autoVerifyPhone?: boolean;
}

const E164 = /^\+[1-9]\d{5,14}$/;

/**
 * SignUp in a pool whose username attribute is phone_number: the phone is the sign-in name,
 * the user gets a UUID username equal to its sub. The password is accepted and never used.
 */
export const signUp: Target<'config' | 'now' | 'triggers' | 'users'> =
  (services) => async (request: SignUpRequest, context) => {
    const clientId = requireClient(services, request);
    const phone = requireString(request as Record<string, unknown>, 'Username');
    if (!E164.test(phone)) throw invalidParameter('Invalid phone number format.');
    const given = attributeMap(request.UserAttributes);
    if (given.phone_number !== undefined && !E164.test(given.phone_number)) {
      throw invalidParameter('Invalid phone number format.');
    }
    const exists = () => {
      if (services.users.findByPhone(phone)) {
        throw new CognitoError(
          'UsernameExistsException',
          'An account with the given phone_number already exists.',
        );
      }
    };
    exists();

    const caller = callerContext(context, clientId);
    const sub = randomUUID();
    const userAttributes = { ...given, phone_number: phone };
    const decision: PreSignUpResponse = services.triggers.has('preSignUp')
      ? await services.triggers.run<object, PreSignUpResponse>('preSignUp', {
          triggerSource: 'PreSignUp_SignUp',
          userName: sub,
          callerContext: caller,
          request: {
            userAttributes,
            validationData: attributeMap(request.ValidationData),
            clientMetadata: request.ClientMetadata ?? {},
          },
          response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
        })
      : {};
    // Another sign-up for the same number may have finished while the trigger ran.
    exists();

    const confirmed = decision.autoConfirmUser === true;
    const now = services.now();
    const user: CognitoUser = {
      username: sub,
      sub,
      attributes: {
        sub,
        ...userAttributes,
        phone_number_verified: String(decision.autoVerifyPhone === true),
      },
      enabled: true,
      status: confirmed ? 'CONFIRMED' : 'UNCONFIRMED',
      groups: [],
      createdAt: now,
      updatedAt: now,
    };
    services.users.add(user);

    if (confirmed && services.triggers.has('postConfirmation')) {
      // The user exists before the trigger runs: it calls back (AdminAddUserToGroup) for it.
      await services.triggers.run('postConfirmation', {
        triggerSource: 'PostConfirmation_ConfirmSignUp',
        userName: sub,
        callerContext: caller,
        request: {
          userAttributes: triggerAttributes(services.users.get(sub)),
          ...(request.ClientMetadata && { clientMetadata: request.ClientMetadata }),
        },
        response: {},
      });
    }

    return {
      UserConfirmed: confirmed,
      UserSub: sub,
      ...(!confirmed && {
        CodeDeliveryDetails: {
          Destination: maskPhone(phone),
          DeliveryMedium: 'SMS',
          AttributeName: 'phone_number',
        },
      }),
    };
  };

function attributeMap(list: { Name: string; Value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map(({ Name, Value }) => [Name, Value ?? '']));
}
