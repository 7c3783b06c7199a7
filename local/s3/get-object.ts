import { readFileSync } from 'node:fs';
import type { BucketObjects } from './bucket-deployments';
import { S3Error, type S3Response } from './s3-errors';

/** GetObject, path style (`GET /<bucket>/<key>`): what the SDK sends to an IP endpoint. */
export const getObject =
  ({ buckets }: { buckets: BucketObjects }) =>
  (bucket: string, key: string): S3Response => {
    const objects = buckets.get(bucket);
    if (!objects) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404);
    const file = objects.get(key);
    if (!file) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404);
    const body = readFileSync(file);
    return {
      status: 200,
      headers: {
        'content-type': key.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        'content-length': String(body.length),
      },
      body,
    };
  };
