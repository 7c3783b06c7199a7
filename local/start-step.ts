import type { BackendInventory } from './assembly/inventory';
import type { LocalEndpoints } from './contracts';
import type { sandboxPorts } from './ports/ports';
import type { SandboxOptions } from './sandbox';
import type { LocalSecrets } from './secrets';
import type { StopPhase, StopStep } from './shutdown';
import type { LocalCertificates } from './tls/local-ca';

/** What every start-up step shares: the options, where services listen, what to run, how to stop. */
export interface StartStep {
  options: SandboxOptions;
  sandboxDir: string;
  ports: ReturnType<typeof sandboxPorts>;
  endpoints: LocalEndpoints;
  inventory: BackendInventory;
  tls: LocalCertificates;
  secrets: LocalSecrets;
  progress: (step: string, detail?: string) => void;
  /** Runs when the sandbox stops, in its phase (local/shutdown.ts; a server by default). */
  onStop(stop: StopStep, phase?: StopPhase): void;
}
