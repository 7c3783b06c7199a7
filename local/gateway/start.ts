import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StartStep } from '../start-step';
import { type AwsGateway, startAwsGateway } from './gateway';

/** SQS, SNS, SSM, push and Sentry on one endpoint, with the synthesized queues, topics, subscriptions, parameters and apps. */
export async function startAwsServices({
  options,
  ports,
  inventory,
  onStop,
}: StartStep): Promise<AwsGateway> {
  const gateway = await startAwsGateway({ port: ports.aws });
  onStop(() => gateway.close());
  // Dead-letter queues first: a queue's redrive policy names its DLQ.
  for (const queue of [...inventory.queues].sort((a, b) => Number(!!a.redrive) - Number(!!b.redrive))) {
    gateway.sqs.createQueue(queue.name, {
      visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
      messageRetentionSeconds: queue.messageRetentionSeconds,
      ...(queue.redrive ? { redrive: queue.redrive } : {}),
    });
  }
  for (const topic of inventory.topics) gateway.sns.createTopic(topic.name);
  for (const subscription of inventory.subscriptions) {
    if (subscription.protocol !== 'sqs' || !subscription.queueName) continue;
    gateway.sns.subscribe(subscription.topicArn, 'sqs', gateway.sqs.queueArn(subscription.queueName), {
      rawMessageDelivery: subscription.rawMessageDelivery,
      ...(subscription.filterPolicy ? { filterPolicy: subscription.filterPolicy } : {}),
      ...(subscription.filterPolicyScope ? { filterPolicyScope: subscription.filterPolicyScope } : {}),
    });
  }
  for (const parameter of inventory.ssmParameters) {
    gateway.ssm.put(parameter.name, parameter.value, { type: parameter.type as 'String', overwrite: true });
  }
  const parametersFile = join(options.root, 'local/parameters.json');
  if (existsSync(parametersFile)) gateway.ssm.loadFile(parametersFile);
  for (const appId of inventory.pushApplicationIds) gateway.push.createApp(appId);
  return gateway;
}
