/** An S3 error, answered in S3's REST-XML shape so the SDK throws the named exception. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }
}

export interface S3Response {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const escapeXml = (value: string) => value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function s3ErrorResponse(error: S3Error, requestId: string): S3Response {
  const body = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code>` +
      `<Message>${escapeXml(error.message)}</Message><RequestId>${requestId}</RequestId></Error>`,
  );
  return {
    status: error.status,
    headers: { 'content-type': 'application/xml', 'content-length': String(body.length) },
    body,
  };
}
