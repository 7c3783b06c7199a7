import type { LegacyOperation } from '../operation';

/** `GET /health`: liveness, no authentication. */
export const getHealth: LegacyOperation = () => ({ status: 200, body: { status: 'ok' } });
