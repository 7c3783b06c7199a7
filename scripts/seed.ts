/** `npm run seed`: sample data into the running local sandbox (see local/seed.ts). */
import { parseArgs } from 'node:util';
import { SEED_USERS, seedSandbox, seedTargetsFrom } from '../local/seed';

const { values } = parseArgs({ options: { outputs: { type: 'string', default: 'amplify_outputs.json' } } });
const result = await seedSandbox(seedTargetsFrom(values.outputs!));
console.log(
  `Seeded ${result.users.length} users, ${result.brokers} brokers, ${result.conversations} conversations and ${result.messages} messages.`,
);
console.log('Sign in as any of them; the code arrives in the dev inbox:');
for (const user of SEED_USERS) console.log(`  ${user.phone}  ${user.nickname} (${user.role})`);
