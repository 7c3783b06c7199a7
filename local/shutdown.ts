/**
 * How the sandbox stops (Ctrl-C): in phases, like a region draining. Event sources stop taking
 * work first and get a bounded wait for what they have in flight; then the function
 * environments go, then the servers, and the engines (DynamoDB Local) last. Stopping an engine
 * earlier left the stream pollers reading a closed port: ~140 ECONNREFUSED errors and a 9–10 s
 * exit with a backlog in the queues.
 */

export const STOP_PHASES = ['event sources', 'functions', 'servers', 'engines'] as const;
export type StopPhase = (typeof STOP_PHASES)[number];

export type StopStep = () => Promise<void> | void;

export interface ShutdownOptions {
  /** How long a phase may take before the next one starts anyway (ms); unbounded when absent. */
  boundsMs?: Partial<Record<StopPhase, number>>;
  onError?: (error: unknown) => void;
}

export class Shutdown {
  private steps = new Map<StopPhase, StopStep[]>();
  private running?: Promise<void>;

  constructor(private readonly options: ShutdownOptions = {}) {}

  add(phase: StopPhase, step: StopStep): void {
    const steps = this.steps.get(phase) ?? [];
    steps.push(step);
    this.steps.set(phase, steps);
  }

  /** Runs every phase once, in order; the steps of one phase together. */
  run(): Promise<void> {
    this.running ??= this.runPhases();
    return this.running;
  }

  private async runPhases(): Promise<void> {
    const onError = this.options.onError ?? ((error) => console.error('while stopping:', error));
    for (const phase of STOP_PHASES) {
      const steps = this.steps.get(phase) ?? [];
      if (steps.length === 0) continue;
      const settled = Promise.all(
        steps.map(async (step) => {
          try {
            await step();
          } catch (error) {
            onError(error);
          }
        }),
      );
      const bound = this.options.boundsMs?.[phase];
      if (bound === undefined) {
        await settled;
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, bound)))]);
      clearTimeout(timer);
    }
  }
}
