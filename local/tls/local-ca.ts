import { X509Certificate } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

/**
 * A certificate authority for this machine and a server certificate it signs, so that the
 * aws-amplify client (which always opens wss://) can reach the local AppSync. Clients
 * trust the CA, never the leaf: Node through `NODE_EXTRA_CA_CERTS=<caCertPath>`, browsers
 * and emulators by importing `ca.crt`. Generated once and kept until it expires.
 */

export interface LocalCertificates {
  /** PEM of the CA to trust. */
  caCertPath: string;
  /** PEM of the server certificate (signed by the CA). */
  certPath: string;
  /** PEM of the server's private key. */
  keyPath: string;
}

export interface LocalCertificateOptions {
  /** Names and addresses the server certificate covers besides 127.0.0.1, ::1 and localhost (e.g. 10.0.2.2). */
  extraHosts?: string[];
}

export const DEFAULT_TLS_DIR = '.amplify/sandbox/tls';

const CA_NAME = 'Bootalk Local Sandbox CA';
const DAY_MS = 86_400_000;
const CA_VALIDITY_DAYS = 3650;
// Apple platforms reject server certificates valid for more than 825 days, even from a user-installed CA.
const SERVER_VALIDITY_DAYS = 365;
// Renew ahead of expiry so a long-running sandbox does not cross it.
const RENEW_MARGIN_DAYS = 7;
const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'];

export async function ensureLocalCertificates(
  dir: string,
  options: LocalCertificateOptions = {},
): Promise<LocalCertificates> {
  mkdirSync(dir, { recursive: true });
  const paths = {
    caCertPath: join(dir, 'ca.crt'),
    caKeyPath: join(dir, 'ca.key'),
    certPath: join(dir, 'server.crt'),
    keyPath: join(dir, 'server.key'),
  };
  const hosts = [...new Set([...DEFAULT_HOSTS, ...(options.extraHosts ?? [])])];
  await withLock(join(dir, '.lock'), async () => {
    let ca = readUsable(paths.caCertPath, paths.caKeyPath);
    if (!ca) {
      ca = await generateCa();
      writeAtomically(paths.caKeyPath, ca.key, 0o600);
      writeAtomically(paths.caCertPath, ca.cert, 0o644);
    }
    const server = readUsable(paths.certPath, paths.keyPath);
    if (!server || !isSignedBy(server.cert, ca.cert) || !coversHosts(server.cert, hosts)) {
      const issued = await generateServerCertificate(ca, hosts);
      writeAtomically(paths.keyPath, issued.key, 0o600);
      writeAtomically(paths.certPath, issued.cert, 0o644);
    }
  });
  return { caCertPath: paths.caCertPath, certPath: paths.certPath, keyPath: paths.keyPath };
}

interface Pem {
  cert: string;
  key: string;
}

function readUsable(certPath: string, keyPath: string): Pem | undefined {
  if (!existsSync(certPath) || !existsSync(keyPath)) return undefined;
  try {
    const cert = readFileSync(certPath, 'utf8');
    const parsed = new X509Certificate(cert);
    const renewBy = Date.now() + RENEW_MARGIN_DAYS * DAY_MS;
    if (new Date(parsed.validTo).getTime() < renewBy || new Date(parsed.validFrom).getTime() > Date.now()) {
      return undefined;
    }
    return { cert, key: readFileSync(keyPath, 'utf8') };
  } catch {
    return undefined;
  }
}

function isSignedBy(cert: string, caCert: string): boolean {
  const leaf = new X509Certificate(cert);
  const ca = new X509Certificate(caCert);
  return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
}

function coversHosts(cert: string, hosts: string[]): boolean {
  const san = new X509Certificate(cert).subjectAltName ?? '';
  const entries = new Set(san.split(', '));
  return hosts.every((host) => entries.has(isIP(host) ? `IP Address:${normalizeIp(host)}` : `DNS:${host}`));
}

function normalizeIp(ip: string): string {
  // X509Certificate prints IPv6 addresses in full uppercase form.
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups.map((group) => group.toUpperCase()).join(':');
}

/**
 * selfsigned (node-forge) loads in ~130 ms: only when a certificate is made, not on every start
 * (DynamoDB Local's JVM, the warm start's critical path, is spawned after this module loads).
 */
const certificateMaker = async () => (await import('selfsigned')).generate;

async function generateCa(): Promise<Pem> {
  const generate = await certificateMaker();
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const pems = await generate([{ name: 'commonName', value: CA_NAME }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

async function generateServerCertificate(ca: Pem, hosts: string[]): Promise<Pem> {
  const generate = await certificateMaker();
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: hosts.map((host) =>
          isIP(host) ? { type: 7 as const, ip: host } : { type: 2 as const, value: host },
        ),
      },
    ],
    ca,
  });
  return { cert: pems.cert, key: pems.private };
}

function writeAtomically(path: string, content: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, path);
}

/** Two sandboxes (or test files) starting together must not write a CA and a leaf from different runs. */
async function withLock(lockPath: string, work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 30_000;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lockPath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stale = Date.now() - statSafe(lockPath) > 60_000;
      if (stale) unlinkSafe(lockPath);
      else if (Date.now() > deadline)
        throw new Error(`Timed out waiting for ${lockPath}; delete it if no sandbox is starting.`);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    await work();
  } finally {
    closeSync(fd);
    unlinkSafe(lockPath);
  }
}

function statSafe(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkSafe(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
