/** A request the inbox refuses; the server answers `status` with `{ error, message }`. */
export class InboxRequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

/** 400 naming the query parameter or body field that is wrong. */
export function invalidField(field: string, problem: string): InboxRequestError {
  return new InboxRequestError(400, 'InvalidParameter', `${field}: ${problem}`);
}
