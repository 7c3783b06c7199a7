import type { EventSourceMappingSpec, FunctionInvoker } from '../../contracts';
import { toSqsRecord } from '../../sqs/lambda-record';
import type { ReceivedMessage, SqsService } from '../../sqs/sqs-service';
import { matchesAnyPattern } from './event-filter';

/**
 * An SQS event source mapping: long-polls the queue, invokes the function with up to
 * `batchSize` records, deletes what succeeded. Failed messages stay in the queue and come back
 * after the visibility timeout; the queue's redrive policy moves them to its DLQ in the end.
 */
export class QueuePoller {
  private running = false;
  private loop?: Promise<void>;
  private abort = new AbortController();

  constructor(
    private readonly mapping: EventSourceMappingSpec,
    private readonly sqs: SqsService,
    private readonly invoker: FunctionInvoker,
  ) {}

  get queueName(): string {
    if (this.mapping.source.kind !== 'sqs') throw new Error('QueuePoller needs an SQS source');
    return this.mapping.source.queueName;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const messages = await this.sqs.receive(this.queueName, {
          maxMessages: Math.min(10, this.mapping.batchSize),
          waitTimeSeconds: 1,
          signal: this.abort.signal,
        });
        if (messages.length > 0) await this.deliver(messages);
      } catch (error) {
        if (!this.running) return;
        console.error(`[queue ${this.queueName} → ${this.mapping.functionName}]`, error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** One batch: returns when every message is deleted or left for redelivery. */
  async deliver(messages: ReceivedMessage[]): Promise<void> {
    const queueArn = this.sqs.queueArn(this.queueName);
    const records = messages.map((message) => toSqsRecord(message, queueArn));
    // Filtered-out messages are deleted without invoking, as Lambda does.
    const delivered = records.filter((record) => matchesAnyPattern(record, this.mapping.filterPatterns));
    const skipped = records.filter((record) => !delivered.includes(record));
    for (const record of skipped) this.sqs.delete(this.queueName, record.receiptHandle);
    if (delivered.length === 0) return;

    const result = await this.invoker.invoke(this.mapping.functionName, { Records: delivered });
    if (!result.ok) return;
    let failed = new Set<string>();
    if (this.mapping.reportBatchItemFailures) {
      const failures = (result.result as { batchItemFailures?: { itemIdentifier?: string }[] } | null)
        ?.batchItemFailures;
      if (Array.isArray(failures)) {
        failed = new Set(failures.map((failure) => String(failure.itemIdentifier)));
        // An identifier that names no message fails the whole batch, as in Lambda.
        if ([...failed].some((id) => !delivered.some((record) => record.messageId === id))) return;
      }
    }
    for (const record of delivered) {
      if (!failed.has(record.messageId)) this.sqs.delete(this.queueName, record.receiptHandle);
    }
  }
}
