import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalCertificates, type LocalCertificates } from '../../../local/tls/local-ca';

let dir: string;
let certificates: LocalCertificates;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'local-ca-'));
  certificates = await ensureLocalCertificates(dir);
  server = createServer(
    { cert: readFileSync(certificates.certPath), key: readFileSync(certificates.keyPath) },
    (_request, response) => response.end('trusted'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const certificate = (path: string) => new X509Certificate(readFileSync(path));

/** A fresh Node process, the way an app developer runs a client: the CA comes from the environment. */
const fetchInChild = (url: string, env: Record<string, string>) =>
  new Promise<string>((resolve) => {
    const script = `fetch(${JSON.stringify(url)}).then((r) => r.text()).then(console.log, (e) => console.log(e.cause?.code ?? e.message))`;
    const childEnv = { ...process.env, ...env };
    if (!env.NODE_EXTRA_CA_CERTS) delete childEnv.NODE_EXTRA_CA_CERTS;
    execFile(process.execPath, ['-e', script], { env: childEnv }, (_error, stdout) => resolve(stdout.trim()));
  });

describe('the local certificate authority', () => {
  it('issues a server certificate for 127.0.0.1, ::1 and localhost, signed by the CA and not a CA itself', () => {
    const ca = certificate(certificates.caCertPath);
    const leaf = certificate(certificates.certPath);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName?.split(', ')).toEqual(
      expect.arrayContaining(['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']),
    );
  });

  it('is trusted by a Node process started with NODE_EXTRA_CA_CERTS=<ca.crt>, by IP and by name', async () => {
    const env = { NODE_EXTRA_CA_CERTS: certificates.caCertPath };
    expect(await fetchInChild(`https://127.0.0.1:${port}/`, env)).toBe('trusted');
    expect(await fetchInChild(`https://localhost:${port}/`, env)).toBe('trusted');
  });

  it('is not trusted by a Node process without it', async () => {
    expect(await fetchInChild(`https://127.0.0.1:${port}/`, {})).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('keeps the certificates it made while they are valid', async () => {
    const before = readFileSync(certificates.certPath, 'utf8');
    const again = await ensureLocalCertificates(dir);
    expect(readFileSync(again.certPath, 'utf8')).toBe(before);
  });

  it('replaces an expired server certificate with one from the same CA', async () => {
    const caBefore = readFileSync(certificates.caCertPath, 'utf8');
    const expired = await generate([{ name: 'commonName', value: 'localhost' }], {
      notBeforeDate: new Date(Date.now() - 10 * 86_400_000),
      notAfterDate: new Date(Date.now() - 86_400_000),
    });
    writeFileSync(certificates.certPath, expired.cert);
    writeFileSync(certificates.keyPath, expired.private);

    await ensureLocalCertificates(dir);
    const leaf = certificate(certificates.certPath);
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    expect(readFileSync(certificates.caCertPath, 'utf8')).toBe(caBefore);
    expect(leaf.checkIssued(certificate(certificates.caCertPath))).toBe(true);
  });

  it('regenerates both when the CA is missing, and adds extra hosts on request', async () => {
    const caBefore = readFileSync(certificates.caCertPath, 'utf8');
    unlinkSync(certificates.caCertPath);
    await ensureLocalCertificates(dir, { extraHosts: ['10.0.2.2'] });
    const ca = certificate(certificates.caCertPath);
    const leaf = certificate(certificates.certPath);
    expect(readFileSync(certificates.caCertPath, 'utf8')).not.toBe(caBefore);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toContain('IP Address:10.0.2.2');
  });
});
