import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { CaptureLog } from '../contracts';
import type { WireResponse } from '../gateway/protocols';
import type { ErrorCapture } from '../inbox/captures';

/**
 * A Sentry-compatible ingest endpoint that keeps error events for the dev inbox. It accepts
 * envelopes (`/api/<projectId>/envelope/`: a header line, then item header + payload pairs,
 * payloads either `length` bytes long or one line) and the older `/api/<projectId>/store/` JSON
 * event. Transactions, sessions and client reports are acknowledged and dropped. Keys are not checked.
 */
export interface SentryRequest {
  projectId: string;
  kind: 'envelope' | 'store';
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface SentryEvent {
  event_id?: string;
  message?: string | { formatted?: string; message?: string };
  logentry?: { formatted?: string; message?: string };
  exception?: { values?: { type?: string; value?: string }[] };
  environment?: string;
  release?: string;
  tags?: Record<string, string> | [string, string][];
  contexts?: { 'aws.lambda'?: { function_name?: string } };
}

function decompress(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

/** Splits an envelope into its header and items; payloads stay bytes until their type is known. */
export function parseEnvelope(body: Buffer): {
  header: Record<string, unknown>;
  items: { header: { type?: string; length?: number }; payload: Buffer }[];
} {
  let offset = 0;
  const readLine = (): Buffer => {
    const end = body.indexOf(0x0a, offset);
    const line = body.subarray(offset, end === -1 ? body.length : end);
    offset = end === -1 ? body.length : end + 1;
    return line;
  };
  const header = JSON.parse(readLine().toString('utf8') || '{}') as Record<string, unknown>;
  const items = [];
  while (offset < body.length) {
    const headerLine = readLine().toString('utf8').trim();
    if (!headerLine) continue;
    const itemHeader = JSON.parse(headerLine) as { type?: string; length?: number };
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      payload = body.subarray(offset, offset + itemHeader.length);
      offset += itemHeader.length;
      if (body[offset] === 0x0a) offset += 1;
    } else {
      payload = readLine();
    }
    items.push({ header: itemHeader, payload });
  }
  return { header, items };
}

function toCapture(event: SentryEvent): ErrorCapture {
  const exception = event.exception?.values?.at(-1);
  const message =
    (typeof event.message === 'string'
      ? event.message
      : (event.message?.formatted ?? event.message?.message)) ??
    event.logentry?.formatted ??
    event.logentry?.message ??
    (exception ? `${exception.type ?? 'Error'}: ${exception.value ?? ''}` : '(no message)');
  const tags = Array.isArray(event.tags) ? Object.fromEntries(event.tags) : event.tags;
  return {
    id: event.event_id ?? randomUUID().replaceAll('-', ''),
    at: new Date().toISOString(),
    functionName: event.contexts?.['aws.lambda']?.function_name ?? tags?.function,
    message,
    exceptionType: exception?.type,
    exceptionValue: exception?.value,
    environment: event.environment,
    release: event.release,
    tags,
    raw: event,
  };
}

export const sentryEndpoint =
  ({ errors }: { errors: CaptureLog<ErrorCapture> }) =>
  async (request: SentryRequest): Promise<WireResponse> => {
    const reply = (status: number, body: unknown): WireResponse => ({
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    let body: Buffer;
    try {
      body = decompress(request.body, request.headers['content-encoding']);
    } catch {
      return reply(400, { detail: 'the body could not be decompressed' });
    }
    try {
      if (request.kind === 'store') {
        const capture = toCapture(JSON.parse(body.toString('utf8')) as SentryEvent);
        errors.add(capture);
        return reply(200, { id: capture.id });
      }
      const envelope = parseEnvelope(body);
      let id = typeof envelope.header.event_id === 'string' ? envelope.header.event_id : undefined;
      for (const item of envelope.items) {
        if (item.header.type !== 'event') continue;
        const event = JSON.parse(item.payload.toString('utf8')) as SentryEvent;
        event.event_id ??= id;
        const capture = toCapture(event);
        id ??= capture.id;
        errors.add(capture);
      }
      return reply(200, { id });
    } catch (error) {
      return reply(400, { detail: `malformed Sentry ${request.kind}: ${(error as Error).message}` });
    }
  };
