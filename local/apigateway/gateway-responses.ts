/**
 * The answers API Gateway itself gives (its "gateway responses"), with the bodies and
 * `x-amzn-ErrorType` headers clients see from AWS.
 */
export interface GatewayAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

function gatewayResponse(statusCode: number, errorType: string, message: string): GatewayAnswer {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': errorType },
    body: JSON.stringify({ message }),
  };
}

/** Unknown resource or method: API Gateway does not say "not found", it asks for a token. */
export const missingAuthenticationToken = () =>
  gatewayResponse(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');

export const unauthorized = () => gatewayResponse(401, 'UnauthorizedException', 'Unauthorized');

export const tokenExpired = () =>
  gatewayResponse(401, 'UnauthorizedException', 'The incoming token has expired');

/** The function failed, or answered something that is not a proxy response. */
export const internalServerError = () =>
  gatewayResponse(502, 'InternalServerErrorException', 'Internal server error');

/** The function or the 29 s integration limit timed out. */
export const endpointTimedOut = () =>
  gatewayResponse(504, 'InternalServerErrorException', 'Endpoint request timed out');
