import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/data';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import type { Schema } from '../../../amplify/data/resource';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { type CloudAssembly, loadCloudAssembly } from '../../../local/assembly/cloud-assembly';
import { type BackendInventory, readInventory } from '../../../local/assembly/inventory';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../../local/contracts';
import { createSignedCallers } from '../../../local/iam/signed-callers';
import { modelIntrospection } from '../../../local/outputs';

const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * The backend synthesized once per content of amplify/ (no function bundles: these tests
 * run no functions), shared by every test file and run through a temporary folder so two
 * files synthesizing together never read half a cloud assembly.
 */
export function synthesizedAssembly(): CloudAssembly {
  const hash = createHash('sha256');
  const files = [
    ...filesUnder(join(ROOT, 'amplify')),
    join(ROOT, 'scripts/synth.ts'),
    join(ROOT, 'scripts/synth-context.ts'),
  ];
  for (const file of files.sort()) hash.update(file).update(readFileSync(file));
  const outdir = join(tmpdir(), `bootalk-appsync-synth-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(join(outdir, 'manifest.json'))) {
    const building = `${outdir}.${process.pid}`;
    const result = spawnSync(
      'npx',
      ['tsx', 'scripts/synth.ts', '--quiet', '--no-bundle', '--out', building],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    if (result.status !== 0) throw new Error(`synth failed:\n${result.stderr}`);
    try {
      renameSync(building, outdir);
    } catch {
      rmSync(building, { recursive: true, force: true });
    }
  }
  return loadCloudAssembly(outdir);
}

export function synthesizedInventory(assembly = synthesizedAssembly()): BackendInventory {
  return readInventory(
    assembly,
    {
      awsUrl: 'http://127.0.0.1:1',
      graphqlUrl: 'https://127.0.0.1:2/graphql',
      realtimeUrl: 'wss://127.0.0.1:2/graphql/realtime',
      restApiUrl: 'http://127.0.0.1:3',
    },
    { functionNames: new Set() },
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** DynamoDB Local takes no port 0: ask the OS for a free one. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Signs access tokens the way the local Cognito service does, and verifies them as it would (RS256 + issuer). */
export async function createTokenIssuer(userPoolId: string) {
  const issuer = `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${userPoolId}`;
  const genuine = await generateKeyPair('RS256');
  const impostor = await generateKeyPair('RS256');
  const kid = (await exportJWK(genuine.publicKey)).n?.slice(0, 16) ?? 'local';
  const sign = (
    sub: string,
    key: (typeof genuine)['privateKey'],
    options: { expiresIn?: string | number; groups?: string[] } = {},
  ) =>
    new SignJWT({
      token_use: 'access',
      client_id: 'local-client',
      username: sub,
      scope: 'aws.cognito.signin.user.admin',
      ...(options.groups ? { 'cognito:groups': options.groups } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject(sub)
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '1h')
      .sign(key);
  return {
    accessToken: (sub: string, options?: { groups?: string[] }) => sign(sub, genuine.privateKey, options),
    expiredToken: (sub: string) =>
      sign(sub, genuine.privateKey, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
    forgedToken: (sub: string) => sign(sub, impostor.privateKey),
    async verifyJwt(token: string) {
      const { payload } = await jwtVerify(token, genuine.publicKey, { issuer, algorithms: ['RS256'] });
      return payload as Record<string, unknown>;
    },
  };
}

/** A SigV4 header that names an access key but is not its signature (what the sandbox used to accept). */
export function sigV4Authorization(accessKeyId = 'ASIALOCALFUNCTION'): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20250101/${LOCAL_REGION}/appsync/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
}

/** Local functions with appsync:GraphQL grants on the API, as the synthesized policies give them. */
export function testFunctions(apiId: string, grants: Record<string, readonly ('Query' | 'Mutation')[]>) {
  const api = `arn:aws:appsync:${LOCAL_REGION}:${LOCAL_ACCOUNT}:apis/${apiId}`;
  return createSignedCallers(
    Object.entries(grants).map(([name, types]) => ({
      name,
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}-role`,
      environment: { AWS_LAMBDA_FUNCTION_NAME: name },
      iamStatements: [
        {
          Effect: 'Allow' as const,
          Action: 'appsync:GraphQL',
          Resource: types.map((type) => `${api}/types/${type}/*`),
        },
      ],
    })),
  );
}

/** A POST /graphql signed with SigV4 the way a function's AppSync client signs it. */
export async function signedGraphqlRequest(
  url: string,
  ca: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  query: string,
  variables: Record<string, unknown> = {},
  options: { signingDate?: Date; tamper?: (body: string) => string } = {},
) {
  const target = new URL(url);
  const body = JSON.stringify({ query, variables });
  const signer = new SignatureV4({ credentials, region: LOCAL_REGION, service: 'appsync', sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      headers: { 'content-type': 'application/json', host: target.host },
      body,
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return httpsRequest(url, {
    ca,
    headers: signed.headers as Record<string, string>,
    body: options.tamper ? options.tamper(body) : body,
  });
}

/** A fetch that trusts the local CA (the test process started without NODE_EXTRA_CA_CERTS), for clients that use fetch. */
export function fetchTrusting(ca: string): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await httpsRequest(String(input instanceof Request ? input.url : input), {
      ca,
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      for (const one of [value ?? []].flat()) headers.append(name, one);
    }
    return new Response(response.body, { status: response.status, headers });
  };
}

/**
 * The typed data client as a function builds it (shared/data-client.ts: IAM, the model
 * introspection schema), over the local endpoint with that function's credentials. Needs a fetch
 * that trusts the local CA (fetchTrusting).
 */
export async function functionDataClient(
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  assembly: CloudAssembly,
): Promise<DataClient> {
  Amplify.configure(
    {
      API: {
        GraphQL: {
          endpoint: url,
          region: LOCAL_REGION,
          defaultAuthMode: 'iam',
          modelIntrospection: (await modelIntrospection(assembly)) as never,
        },
      },
    },
    {
      Auth: {
        credentialsProvider: {
          getCredentialsAndIdentityId: async () => ({ credentials }),
          clearCredentialsAndIdentityId: () => undefined,
        },
      },
    },
  );
  return generateClient<Schema>({ authMode: 'iam' });
}

export interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): Record<string, unknown>;
}

/** An HTTPS request that trusts the local CA explicitly (the test process started without NODE_EXTRA_CA_CERTS). */
export function httpsRequest(
  url: string,
  options: { ca: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<HttpsResponse> {
  return new Promise((resolveResponse, reject) => {
    const outgoing = request(
      url,
      { method: options.method ?? 'POST', headers: options.headers, ca: options.ca },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolveResponse({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body,
            json: () => JSON.parse(body),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

export function graphqlRequest(
  url: string,
  ca: string,
  authorization: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  return httpsRequest(url, {
    ca,
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
}

interface WorkerReply {
  id?: number;
  sub?: number;
  ok?: boolean;
  result?: unknown;
  error?: unknown;
  event?: unknown;
}

export interface AmplifyClientProcess {
  graphql(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ data?: unknown; errors?: unknown[] }>;
  /** Resolves once AppSync acknowledged the subscription (start_ack); rejects with its error. */
  subscribe(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ events: unknown[]; next(): Promise<unknown> }>;
  stop(): Promise<void>;
}

/**
 * The real aws-amplify v6 client, signed in as one user, in its own Node process: the only
 * way to hand it the local CA the way an app developer would, with NODE_EXTRA_CA_CERTS set
 * before Node starts. Node 20 has no global WebSocket; --experimental-websocket gives it one (Node 22 has it).
 */
export function startAmplifyClient(options: {
  endpoint: string;
  caCertPath: string;
  token: string;
}): AmplifyClientProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(typeof globalThis.WebSocket === 'undefined' ? ['--experimental-websocket'] : []),
      '--no-warnings',
      join(import.meta.dirname, 'amplify-client-worker.mjs'),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: options.caCertPath,
        APPSYNC_ENDPOINT: options.endpoint,
        APPSYNC_REGION: LOCAL_REGION,
        USER_ACCESS_TOKEN: options.token,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(reply: WorkerReply): void; reject(error: Error): void }>();
  const subscriptions = new Map<number, { events: unknown[]; waiters: ((event: unknown) => void)[] }>();
  // Events can arrive in the same chunk as the acknowledgement, before subscribe() resumes.
  const subscriptionOf = (sub: number) => {
    if (!subscriptions.has(sub)) subscriptions.set(sub, { events: [], waiters: [] });
    return subscriptions.get(sub)!;
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const reply = JSON.parse(line) as WorkerReply;
    if (reply.sub !== undefined && reply.id === undefined) {
      const subscription = subscriptionOf(reply.sub);
      const event = reply.event ?? { error: reply.error };
      subscription.events.push(event);
      subscription.waiters.shift()?.(event);
      return;
    }
    pending.get(reply.id!)?.resolve(reply);
    pending.delete(reply.id!);
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`amplify client exited (${code}): ${stderr}`));
  });
  const call = (message: Record<string, unknown>) =>
    new Promise<WorkerReply>((resolveReply, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolveReply, reject });
      child.stdin!.write(`${JSON.stringify({ ...message, id })}\n`);
    });

  return {
    async graphql(query, variables = {}) {
      const reply = await call({ op: 'graphql', query, variables });
      return reply.result as { data?: unknown; errors?: unknown[] };
    },
    async subscribe(query, variables = {}) {
      const reply = await call({ op: 'subscribe', query, variables });
      if (!reply.ok)
        throw Object.assign(new Error(`subscription failed: ${JSON.stringify(reply.error)}`), {
          detail: reply.error,
        });
      const subscription = subscriptionOf(reply.sub!);
      let read = 0;
      return {
        events: subscription.events,
        next: () =>
          new Promise((resolveEvent, reject) => {
            const index = read++;
            if (index < subscription.events.length) return resolveEvent(subscription.events[index]);
            const timer = setTimeout(() => reject(new Error('no subscription event within 10 s')), 10_000);
            subscription.waiters.push((event) => {
              clearTimeout(timer);
              resolveEvent(event);
            });
          }),
      };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
