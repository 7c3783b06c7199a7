/**
 * GET /v1/health: the version, and whether DynamoDB, AppSync and the Legacy API answer, each
 * checked at the same time with a short timeout. 200 when all answered, 503 otherwise.
 */

export const CHECK_TIMEOUT_MS = 2_000;
/** The route is unauthenticated: one answer per container this long, not three backend calls per request. */
export const HEALTH_CACHE_MS = 5_000;

export type DependencyName = 'dynamodb' | 'appsync' | 'legacyApi';

/** Resolves when the dependency answered; the signal aborts it at the timeout. */
export type DependencyCheck = (signal: AbortSignal) => Promise<unknown>;

export interface DependencyHealth {
  ok: boolean;
  latencyMs: number;
  /** `timeout` or the error's name: enough for an operator, nothing about the request. */
  error?: string;
}

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  stage: string;
  time: string;
  dependencies: Record<DependencyName, DependencyHealth>;
}

export interface HealthDeps {
  checks: Record<DependencyName, DependencyCheck>;
  version: () => string;
  stage: () => string;
  now: () => Date;
  /** A monotonic clock in milliseconds (performance.now). */
  clock?: () => number;
  timeoutMs?: number;
}

async function timed(
  check: DependencyCheck,
  timeoutMs: number,
  clock: () => number,
): Promise<DependencyHealth> {
  const started = clock();
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      reject(new Error('timeout'));
    }, timeoutMs);
  });
  try {
    await Promise.race([check(controller.signal), timeout]);
    return { ok: true, latencyMs: Math.round(clock() - started) };
  } catch (error) {
    // An aborted check rejects with its own error: the timeout is the reason.
    const name = timedOut ? 'timeout' : ((error as Error | undefined)?.name ?? 'Error');
    return { ok: false, latencyMs: Math.round(clock() - started), error: name };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(deps: HealthDeps): Promise<{ statusCode: 200 | 503; body: Health }> {
  const clock = deps.clock ?? (() => performance.now());
  const timeoutMs = deps.timeoutMs ?? CHECK_TIMEOUT_MS;
  const names = Object.keys(deps.checks) as DependencyName[];
  const results = await Promise.all(names.map((name) => timed(deps.checks[name], timeoutMs, clock)));
  const dependencies = Object.fromEntries(
    names.map((name, i) => [name, results[i]!]),
  ) as Health['dependencies'];
  const healthy = results.every((result) => result.ok);
  return {
    statusCode: healthy ? 200 : 503,
    body: {
      status: healthy ? 'ok' : 'degraded',
      version: deps.version(),
      stage: deps.stage(),
      time: deps.now().toISOString(),
      dependencies,
    },
  };
}

/** checkHealth, answered from the last result while it is younger than `cacheMs`. */
export function cachedHealth(deps: HealthDeps, cacheMs = HEALTH_CACHE_MS) {
  const clock = deps.clock ?? (() => performance.now());
  let last: { at: number; result: Promise<Awaited<ReturnType<typeof checkHealth>>> } | undefined;
  return () => {
    if (!last || clock() - last.at >= cacheMs) {
      // Concurrent requests share one round of checks.
      last = { at: clock(), result: checkHealth(deps) };
    }
    return last.result;
  };
}
