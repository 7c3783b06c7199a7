/** An HTTP response from a Lambda proxy integration result, after API Gateway's checks. */
export interface MappedResponse {
  statusCode: number;
  headers: [string, string][];
  body: Buffer;
}

const ALLOWED_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

const isPrimitive = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);

/**
 * Maps a function's return value like API Gateway's Lambda proxy integration (REST, payload v1):
 * an object with an integer `statusCode`, optional string-valued `headers`, list-valued
 * `multiValueHeaders` (both are sent), a string `body` (base64 when `isBase64Encoded`), and nothing
 * else. Anything else is "Malformed Lambda proxy response": undefined here, a 502 to the caller.
 */
export function mapProxyResult(result: unknown): MappedResponse | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const response = result as Record<string, unknown>;
  if (Object.keys(response).some((key) => !ALLOWED_KEYS.has(key))) return undefined;
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = response;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return undefined;
  }
  if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean') return undefined;

  const mapped: [string, string][] = [];
  // A header in both lists is sent with the multiValueHeaders values only.
  const multiValueNames = new Set(
    Object.keys(typeof multiValueHeaders === 'object' && multiValueHeaders ? multiValueHeaders : {}).map(
      (name) => name.toLowerCase(),
    ),
  );
  if (headers !== undefined && headers !== null) {
    if (typeof headers !== 'object' || Array.isArray(headers)) return undefined;
    for (const [name, value] of Object.entries(headers)) {
      if (!isPrimitive(value)) return undefined;
      if (!multiValueNames.has(name.toLowerCase())) mapped.push([name, String(value)]);
    }
  }
  if (multiValueHeaders !== undefined && multiValueHeaders !== null) {
    if (typeof multiValueHeaders !== 'object' || Array.isArray(multiValueHeaders)) return undefined;
    for (const [name, values] of Object.entries(multiValueHeaders)) {
      if (!Array.isArray(values) || !values.every(isPrimitive)) return undefined;
      for (const value of values) mapped.push([name, String(value)]);
    }
  }
  if (!mapped.some(([name]) => name.toLowerCase() === 'content-type')) {
    mapped.push(['Content-Type', 'application/json']);
  }
  const text = typeof body === 'string' ? body : '';
  return {
    statusCode,
    headers: mapped,
    body: isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}
