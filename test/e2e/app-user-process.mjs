// One app user: the real aws-amplify v6 client configured from amplify_outputs.json the way
// the README tells frontends to, driven by JSON lines on stdin. Started with
// NODE_EXTRA_CA_CERTS (trust the local CA) and --experimental-websocket (Node 20).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, signIn, signOut, signUp } from 'aws-amplify/auth';
import { generateClient } from 'aws-amplify/data';
import { Hub } from 'aws-amplify/utils';

const outputs = JSON.parse(readFileSync(process.env.AMPLIFY_OUTPUTS, 'utf8'));
Amplify.configure(outputs);
const config = Amplify.getConfig();
Amplify.configure({
  ...config,
  Auth: {
    Cognito: { ...config.Auth.Cognito, userPoolEndpoint: outputs.custom.localSandbox.userPoolEndpoint },
  },
});
const client = generateClient();

const reply = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const describe = (error) => ({
  name: error?.name,
  message: error?.message ?? String(error),
  errors: error?.errors,
});

let awaitingAck;
Hub.listen('api', ({ payload }) => {
  if (payload.event === 'Subscription ack' && awaitingAck) {
    reply({ id: awaitingAck, result: { subscribed: true } });
    awaitingAck = undefined;
  }
});

const operations = {
  signUp: ({ phone }) => signUp({ username: phone, password: `${crypto.randomUUID()}Aa1!` }),
  signIn: ({ phone }) => signIn({ username: phone, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } }),
  confirmSignIn: ({ code }) => confirmSignIn({ challengeResponse: code }),
  session: async () => {
    const session = await fetchAuthSession();
    return {
      sub: session.tokens?.accessToken.payload.sub,
      groups: session.tokens?.accessToken.payload['cognito:groups'],
    };
  },
  signOut: () => signOut(),
  // What a REST client sends as `Authorization` (the user pools authorizer takes the ID token).
  idToken: async () => ({ idToken: (await fetchAuthSession()).tokens?.idToken?.toString() }),
  // client.mutations.<name>(args): a custom operation.
  mutation: async ({ name, args }) => {
    const { data, errors } = await client.mutations[name](args);
    return { data, errors: errors?.map((error) => ({ message: error.message, errorType: error.errorType })) };
  },
  query: async ({ name, args }) => {
    const { data, errors } = await client.queries[name](args);
    return { data, errors: errors?.map((error) => ({ message: error.message, errorType: error.errorType })) };
  },
  // client.models.<Model>.<operation>(input): what a frontend writes.
  model: async ({ model, operation, input, options }) => {
    const { data, errors, nextToken } = await (options
      ? client.models[model][operation](input, options)
      : client.models[model][operation](input));
    return {
      data,
      nextToken,
      errors: errors?.map((error) => ({ message: error.message, errorType: error.errorType })),
    };
  },
};

const subscriptions = new Map();
createInterface({ input: process.stdin }).on('line', async (line) => {
  const message = JSON.parse(line);
  if (message.op === 'subscribe') {
    awaitingAck = message.id;
    const subscription = client.models[message.model][message.event]().subscribe({
      // `at`: when this client heard it (the benchmark's send → receive latency).
      next: (value) => reply({ sub: message.id, event: value, at: Date.now() }),
      error: (error) => reply({ id: message.id, error: describe(error) }),
    });
    subscriptions.set(message.id, subscription);
    return;
  }
  try {
    reply({ id: message.id, result: (await operations[message.op](message)) ?? null });
  } catch (error) {
    reply({ id: message.id, error: describe(error) });
  }
});

process.on('SIGTERM', () => {
  for (const subscription of subscriptions.values()) subscription.unsubscribe();
  process.exit(0);
});
