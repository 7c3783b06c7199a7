import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BucketObjects } from './bucket-deployments';
import { getObject } from './get-object';
import { S3Error, type S3Response, s3ErrorResponse } from './s3-errors';

/**
 * The sandbox's S3: read-only, the objects of the synthesized bucket deployments. Functions reach it
 * through `AWS_ENDPOINT_URL_S3`; signatures are not verified.
 */

export interface LocalS3 {
  /** `http://127.0.0.1:<port>`, the value for `AWS_ENDPOINT_URL_S3`. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startLocalS3(options: { buckets: BucketObjects; port?: number }): Promise<LocalS3> {
  const get = getObject({ buckets: options.buckets });

  function answer(method: string, path: string): S3Response {
    const [bucket = '', ...key] = path.replace(/^\//, '').split('/');
    const operation = method === 'GET' ? get : undefined;
    if (!operation || !bucket || key.length === 0) {
      throw new S3Error('NotImplemented', `the local sandbox does not implement S3 ${method} ${path}`, 501);
    }
    return operation(decodeURIComponent(bucket), key.map(decodeURIComponent).join('/'));
  }

  const server = createServer((request, response) => {
    const requestId = randomUUID();
    let wire: S3Response;
    try {
      wire = answer(request.method ?? 'GET', new URL(request.url ?? '/', 'http://s3.local').pathname);
    } catch (error) {
      wire = s3ErrorResponse(
        error instanceof S3Error ? error : new S3Error('InternalError', String(error), 500),
        requestId,
      );
    }
    response.writeHead(wire.status, { ...wire.headers, 'x-amz-request-id': requestId });
    response.end(wire.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
