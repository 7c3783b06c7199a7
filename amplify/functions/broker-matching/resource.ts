import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';

/**
 * Assigns a broker to a listing inquiry (region, load, round-robin): mutation requestBroker, and
 * the Conversation and BrokerProfile streams. CONVERSATION_TABLE_NAME and BROKER_PROFILE_TABLE_NAME
 * are added by its wiring.ts, which receives the tables.
 */
export const brokerMatching = defineFunction({
  name: 'broker-matching',
  entry: './handler.ts',
  // A BrokerProfile record may match up to RETRY_LIMITS.matched inquiries, a dozen AppSync calls each.
  timeoutSeconds: 60,
  memoryMB: 512,
  runtime: 22,
  // Stream-triggered and a data source of the API: in the data stack, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment() },
});
