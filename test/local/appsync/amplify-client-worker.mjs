// One app user: the real aws-amplify v6 client, driven by JSON lines on stdin (see support.ts).
// Started with NODE_EXTRA_CA_CERTS=<local CA> so its fetch and WebSocket trust the local AppSync.
import { createInterface } from 'node:readline';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';

const token = process.env.USER_ACCESS_TOKEN;
// The shape aws-amplify's token provider returns (what its decodeJWT builds).
const accessToken = {
  toString: () => token,
  payload: JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')),
};
Amplify.configure(
  {
    API: {
      GraphQL: {
        endpoint: process.env.APPSYNC_ENDPOINT,
        region: process.env.APPSYNC_REGION,
        defaultAuthMode: 'userPool',
      },
    },
  },
  { Auth: { tokenProvider: { getTokens: async () => ({ accessToken }) } } },
);
const client = generateClient();

const reply = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const plainError = (error) => ({
  message: error?.message ?? String(error),
  errors: error?.errors ?? error?.error?.errors,
});

// aws-amplify announces each start_ack on the Hub; subscriptions start one at a time so the ack is ours.
let awaitingAck;
Hub.listen('api', ({ payload }) => {
  if (payload.event === 'Subscription ack' && awaitingAck) {
    reply({ id: awaitingAck, ok: true, sub: awaitingAck });
    awaitingAck = undefined;
  }
});

const subscriptions = new Map();

createInterface({ input: process.stdin }).on('line', async (line) => {
  const message = JSON.parse(line);
  if (message.op === 'graphql') {
    try {
      const result = await client.graphql({ query: message.query, variables: message.variables });
      reply({ id: message.id, result });
    } catch (error) {
      // client.graphql rejects with { data, errors } when AppSync answers with errors.
      reply({
        id: message.id,
        result: { data: error?.data ?? null, errors: error?.errors ?? [plainError(error)] },
      });
    }
  } else if (message.op === 'subscribe') {
    awaitingAck = message.id;
    const subscription = client.graphql({ query: message.query, variables: message.variables }).subscribe({
      next: (value) => reply({ sub: message.id, event: value.data }),
      error: (error) => {
        if (awaitingAck === message.id) {
          awaitingAck = undefined;
          reply({ id: message.id, ok: false, error: plainError(error) });
        } else {
          reply({ sub: message.id, error: plainError(error) });
        }
      },
    });
    subscriptions.set(message.id, subscription);
  }
});

process.on('SIGTERM', () => {
  for (const subscription of subscriptions.values()) subscription.unsubscribe();
  process.exit(0);
});
