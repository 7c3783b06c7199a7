import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, NoSuchBucket, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudAssembly, StackNode } from '../../../local/assembly/cloud-assembly';
import { type BucketObjects, readBucketDeployments } from '../../../local/s3/bucket-deployments';
import { type LocalS3, startLocalS3 } from '../../../local/s3/s3-server';

const HASH = 'a'.repeat(64);
const URLS = {
  awsUrl: 'http://127.0.0.1:1',
  graphqlUrl: 'https://127.0.0.1:2/graphql',
  realtimeUrl: 'wss://127.0.0.1:2/graphql/realtime',
  restApiUrl: 'http://127.0.0.1:3',
};
const SCHEMA = { version: 1, models: { Device: { name: 'Device' } } };

/** One stack with a bucket and the deployment Amplify synthesizes for the introspection schema. */
function assemblyWithDeployment(): CloudAssembly {
  const outdir = mkdtempSync(join(tmpdir(), 'local-s3-'));
  const assetDir = join(outdir, `asset.${HASH}`);
  mkdirSync(join(assetDir, 'nested'), { recursive: true });
  writeFileSync(join(assetDir, 'modelIntrospectionSchema.json'), JSON.stringify(SCHEMA));
  writeFileSync(join(assetDir, 'nested', 'other.txt'), 'plain');
  const stack: StackNode = {
    name: 'root-data',
    templateFile: 'data.template.json',
    children: new Map(),
    template: {
      Resources: {
        modelIntrospectionSchemaBucketF566B665: { Type: 'AWS::S3::Bucket' },
        Deployment: {
          Type: 'Custom::CDKBucketDeployment',
          Properties: {
            SourceObjectKeys: [`${HASH}.zip`],
            DestinationBucketName: { Ref: 'modelIntrospectionSchemaBucketF566B665' },
          },
        },
      },
    },
  };
  return { outdir, root: stack, stacks: [stack], assetPath: () => assetDir };
}

let buckets: BucketObjects;
let s3: LocalS3;
let client: S3Client;
let bucket: string;

beforeAll(async () => {
  buckets = readBucketDeployments(assemblyWithDeployment(), URLS);
  bucket = [...buckets.keys()][0]!;
  s3 = await startLocalS3({ buckets });
  client = new S3Client({
    endpoint: s3.url,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await s3.close();
});

describe('local S3', () => {
  it('serves a bucket deployment’s files under the bucket name the templates resolve to', async () => {
    expect([...buckets.keys()]).toEqual([bucket]);
    expect(bucket).toMatch(/^[a-z0-9.-]+$/);
    expect([...buckets.get(bucket)!.keys()].sort()).toEqual([
      'modelIntrospectionSchema.json',
      'nested/other.txt',
    ]);
  });

  it('answers GetObject with the file, as the data client reads the introspection schema', async () => {
    const response = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'modelIntrospectionSchema.json' }),
    );
    expect(JSON.parse(await response.Body!.transformToString())).toEqual(SCHEMA);
    expect(response.ContentType).toBe('application/json');
  });

  it('reads keys with slashes', async () => {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'nested/other.txt' }));
    expect(await response.Body!.transformToString()).toBe('plain');
  });

  it('refuses a missing key and a missing bucket with the errors S3 names', async () => {
    await expect(
      client.send(new GetObjectCommand({ Bucket: bucket, Key: 'absent.json' })),
    ).rejects.toBeInstanceOf(NoSuchKey);
    await expect(
      client.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'modelIntrospectionSchema.json' })),
    ).rejects.toBeInstanceOf(NoSuchBucket);
  });
});
