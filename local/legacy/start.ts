import type { StartStep } from '../start-step';
import { type LegacyApi, startLegacyApi } from './server';

/** The Legacy API stand-in, verifying the functions' service tokens with the sandbox's key. */
export async function startLegacy({ ports, secrets, onStop }: StartStep): Promise<LegacyApi> {
  const legacy = await startLegacyApi({
    port: ports.legacy,
    verification: {
      key: secrets.serviceTokenPublicKey,
      issuer: 'bootalk-amplify',
      audience: 'bootalk-legacy-api',
    },
  });
  onStop(() => legacy.stop());
  return legacy;
}
