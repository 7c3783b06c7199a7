/** An error Cognito answers with: HTTP 400 (500 for internal errors), `__type` and `message`. */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const notAuthorized = (message: string) => new CognitoError('NotAuthorizedException', message);
export const invalidParameter = (message: string) => new CognitoError('InvalidParameterException', message);
export const userNotFound = () => new CognitoError('UserNotFoundException', 'User does not exist.');
export const resourceNotFound = (message: string) => new CognitoError('ResourceNotFoundException', message);

/** Cognito's wording for a missing member, as its request validation reports it. */
export function missingMember(member: string): CognitoError {
  const field = member.charAt(0).toLowerCase() + member.slice(1);
  return new CognitoError(
    'InvalidParameterException',
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );
}
