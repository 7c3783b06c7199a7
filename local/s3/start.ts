import type { CloudAssembly } from '../assembly/cloud-assembly';
import type { StartStep } from '../start-step';
import { readBucketDeployments } from './bucket-deployments';
import { type LocalS3, startLocalS3 } from './s3-server';

/** S3: what bucket deployments copy, e.g. the model introspection schema the data client reads. */
export async function startS3({ endpoints, onStop }: StartStep, assembly: CloudAssembly): Promise<LocalS3> {
  const s3 = await startLocalS3({ buckets: readBucketDeployments(assembly, endpoints) });
  onStop(() => s3.close());
  return s3;
}
