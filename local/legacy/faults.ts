/**
 * Faults the stand-in injects on request (the dev inbox's `POST /api/legacy/faults`), to see the
 * functions classify errors, retry, back off and dead-letter as DESIGN §4 says.
 */
export interface LegacyFaults {
  /** Answer with this status instead of serving the request. Without it, only the delay applies. */
  status?: number;
  /** The chance, 0..1, that a matching call is faulted. Default 1. */
  rate?: number;
  /** Wait this long before answering (faulted or not). */
  delayMs?: number;
  /** Only calls whose path starts with this, or matches it as a regular expression. */
  paths?: string;
  /** Fault only the next N matching calls, then stop. */
  count?: number;
}

export class LegacyFaultsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LegacyFaultsError';
  }
}

/** Checks faults sent as JSON; throws LegacyFaultsError with what is wrong. */
export function parseLegacyFaults(input: unknown): LegacyFaults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new LegacyFaultsError('faults must be a JSON object like { "status": 500, "rate": 0.3 }');
  }
  const { status, rate, delayMs, paths, count, ...unknown } = input as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0) throw new LegacyFaultsError(`unknown fault field(s): ${extra.join(', ')}`);
  const faults: LegacyFaults = {};
  if (status !== undefined) {
    if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) {
      throw new LegacyFaultsError('"status" must be an HTTP status code (100–599)');
    }
    faults.status = status as number;
  }
  if (rate !== undefined) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
      throw new LegacyFaultsError('"rate" must be 0..1');
    faults.rate = rate;
  }
  if (delayMs !== undefined) {
    if (!Number.isInteger(delayMs) || (delayMs as number) < 0 || (delayMs as number) > 120_000) {
      throw new LegacyFaultsError('"delayMs" must be an integer from 0 to 120000');
    }
    faults.delayMs = delayMs as number;
  }
  if (paths !== undefined) {
    if (typeof paths !== 'string' || paths === '')
      throw new LegacyFaultsError('"paths" must be a non-empty string');
    try {
      new RegExp(paths);
    } catch {
      throw new LegacyFaultsError(
        `"paths" is neither a path prefix nor a valid regular expression: ${paths}`,
      );
    }
    faults.paths = paths;
  }
  if (count !== undefined) {
    if (!Number.isInteger(count) || (count as number) < 1)
      throw new LegacyFaultsError('"count" must be a positive integer');
    faults.count = count as number;
  }
  if (faults.status === undefined && faults.delayMs === undefined) {
    throw new LegacyFaultsError('give "status", "delayMs" or both');
  }
  return faults;
}

export interface FaultDecision {
  status?: number;
  delayMs: number;
}

export interface FaultInjector {
  set(faults: LegacyFaults): void;
  clear(): void;
  /** The faults in force, with `count` showing how many are left. */
  current(): LegacyFaults | undefined;
  /** Whether this call is faulted, and how; counts it against `count`. */
  decide(path: string): FaultDecision | undefined;
}

export function createFaultInjector(random: () => number = Math.random): FaultInjector {
  let faults: LegacyFaults | undefined;
  let pathPattern: RegExp | undefined;
  return {
    set(next) {
      faults = { ...parseLegacyFaults(next) };
      pathPattern = faults.paths ? new RegExp(faults.paths) : undefined;
    },
    clear() {
      faults = undefined;
    },
    current: () => (faults ? { ...faults } : undefined),
    decide(path) {
      if (!faults) return undefined;
      if (faults.paths && !path.startsWith(faults.paths) && !pathPattern!.test(path)) return undefined;
      const rate = faults.rate ?? 1;
      if (rate < 1 && !(random() < rate)) return undefined;
      const decision = {
        ...(faults.status !== undefined ? { status: faults.status } : {}),
        delayMs: faults.delayMs ?? 0,
      };
      if (faults.count !== undefined) {
        faults.count -= 1;
        if (faults.count === 0) faults = undefined;
      }
      return decision;
    },
  };
}
