import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AppSyncUnavailableError } from '../shared/appsync-client';
import { bodyBytes, errorResponse, headerOf, jsonResponse } from '../shared/http-response';
import { LegacyCircuitOpenError, LegacyUnavailableError } from '../shared/legacy-client';
import { logger } from '../shared/logger';
import { parseWebhookEvent } from './webhook-event';
import { type ProcessingDeps, type ProcessingOutcome, processWebhookEvent } from './webhook-processing';
import type { WebhookReceipts } from './webhook-receipts';
import { verifyWebhookToken, type WebhookTokenSettings } from './webhook-token';

/**
 * POST /webhooks/legacy (API Gateway authorization NONE: this function verifies the caller):
 * token → body → claim the event id → process → DONE. A failure releases the claim, so the
 * legacy side's retry with the same id runs it again.
 */

export const MAX_BODY_BYTES = 256 * 1024;

export interface WebhookDeps {
  tokenSettings: () => WebhookTokenSettings;
  receipts: WebhookReceipts;
  processing: () => ProcessingDeps;
  now: () => Date;
}

const RETRY_AFTER = { 'Retry-After': '5' };

function unauthorized(reason: string): APIGatewayProxyResult {
  return errorResponse(401, 'unauthorized', `The service token was rejected: ${reason}.`, {
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  });
}

/** A dependency that may answer on a retry: AppSync, the Legacy API, or DynamoDB throttling/5xx. */
export function isUnavailable(error: unknown): boolean {
  if (
    error instanceof AppSyncUnavailableError ||
    error instanceof LegacyUnavailableError ||
    error instanceof LegacyCircuitOpenError
  ) {
    return true;
  }
  const aws = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  return Boolean(aws?.$retryable) || (aws?.$metadata?.httpStatusCode ?? 0) >= 500;
}

function failure(error: unknown): APIGatewayProxyResult {
  return isUnavailable(error)
    ? errorResponse(503, 'unavailable', 'A dependency is unavailable; retry with the same id.', {
        headers: RETRY_AFTER,
      })
    : errorResponse(500, 'internal_error', 'Processing failed; retry with the same id.');
}

function answerOf(eventId: string, outcome: ProcessingOutcome): APIGatewayProxyResult {
  if (outcome.kind === 'rejected') return errorResponse(422, outcome.error, outcome.message);
  return jsonResponse(202, { id: eventId, accepted: true });
}

export async function handleLegacyWebhook(
  request: APIGatewayProxyEvent,
  deps: WebhookDeps,
): Promise<APIGatewayProxyResult> {
  if (request.httpMethod !== 'POST') {
    return errorResponse(405, 'method_not_allowed', 'Only POST is accepted here.', {
      headers: { Allow: 'POST' },
    });
  }
  const token = await verifyWebhookToken(
    headerOf(request, 'authorization'),
    deps.tokenSettings(),
    deps.now(),
  );
  if (!token.ok) {
    logger.warn('Legacy webhook token rejected', { reason: token.reason });
    return unauthorized(token.reason);
  }

  const body = bodyBytes(request);
  if (body.length > MAX_BODY_BYTES) {
    return errorResponse(413, 'payload_too_large', `The body is over ${MAX_BODY_BYTES / 1024} KB.`);
  }
  const parsed = parseWebhookEvent(body.toString('utf8'));
  if (!parsed.ok) {
    logger.info('Legacy webhook refused', { error: parsed.error, field: parsed.field });
    return errorResponse(
      400,
      parsed.error,
      parsed.message,
      parsed.field ? { extra: { field: parsed.field } } : {},
    );
  }
  const { event, digest } = parsed;
  const log = { eventId: event.id, type: event.type, kid: token.kid };

  let claim: Awaited<ReturnType<WebhookReceipts['claim']>>;
  try {
    claim = await deps.receipts.claim(event.id, { type: event.type, digest }, deps.now());
  } catch (error) {
    logger.error('Legacy webhook could not be claimed', { ...log, error });
    return failure(error);
  }
  switch (claim.kind) {
    case 'done':
      logger.info('Legacy webhook duplicate', log);
      return jsonResponse(200, { id: event.id, duplicate: true });
    case 'in_progress':
      logger.info('Legacy webhook already in progress', log);
      return errorResponse(409, 'in_progress', 'This event id is being processed; retry later.', {
        headers: RETRY_AFTER,
      });
    case 'id_reused':
      logger.warn('Legacy webhook id reused for another event', log);
      return errorResponse(409, 'id_reused', 'This event id was already used for a different event.');
  }

  let outcome: ProcessingOutcome;
  try {
    outcome = await processWebhookEvent(event, deps.processing(), deps.now());
  } catch (error) {
    logger.error('Legacy webhook processing failed', { ...log, error });
    await releaseQuietly(deps.receipts, event.id, claim.token, log);
    return failure(error);
  }

  if (outcome.kind === 'rejected') {
    // The event may succeed later (a broker synced meanwhile): the id stays usable.
    logger.info('Legacy webhook rejected', { ...log, error: outcome.error });
    await releaseQuietly(deps.receipts, event.id, claim.token, log);
    return answerOf(event.id, outcome);
  }
  try {
    const completed = await deps.receipts.complete(event.id, claim.token, deps.now());
    if (!completed) logger.warn('Legacy webhook claim ran out before it was marked done', log);
  } catch (error) {
    // The work is done and safe to repeat: a retry after the lease runs out redoes it harmlessly.
    logger.error('Legacy webhook could not be marked done', { ...log, error });
  }
  logger.info('Legacy webhook processed', { ...log, ...outcome.detail });
  return answerOf(event.id, outcome);
}

async function releaseQuietly(
  receipts: WebhookReceipts,
  eventId: string,
  token: string,
  log: Record<string, unknown>,
): Promise<void> {
  try {
    await receipts.release(eventId, token);
  } catch (error) {
    // The lease runs out on its own; until then a retry gets 409 in_progress.
    logger.error('Legacy webhook claim could not be released', { ...log, error });
  }
}
