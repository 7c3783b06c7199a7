import {
  LegacyBadRequest,
  type LegacyOperation,
  parseInstant,
  requireObject,
  requireString,
} from '../operation';

/**
 * `POST /v1/events`: one event envelope from the legacy-event-relay. The envelope id names the
 * fact, so a redelivery is acknowledged as a duplicate and not processed again.
 */
export const postEvent: LegacyOperation = (request, store) => {
  const envelope = requireObject(request.body, 'the event envelope');
  const type = requireString(envelope, 'type');
  const id = requireString(envelope, 'id');
  parseInstant(envelope.occurredAt, 'occurredAt');
  if (envelope.version !== 1) {
    throw new LegacyBadRequest(
      `"version" ${JSON.stringify(envelope.version)} is not supported; send 1`,
      'unsupported_version',
    );
  }
  const payload = requireObject(envelope.payload, '"payload"');
  if (store.events.has(id)) return { status: 200, body: { accepted: true, duplicate: true } };
  store.events.set(id, {
    type,
    id,
    occurredAt: envelope.occurredAt as string,
    version: 1,
    payload,
    receivedAt: new Date(request.nowMs).toISOString(),
    ...(request.subject ? { deliveredBy: request.subject } : {}),
  });
  return { status: 202, body: { accepted: true } };
};
