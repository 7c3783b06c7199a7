import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, LogLevel, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { config } from './config';
import { scrub, scrubText } from './scrub';

/** The Powertools JSON layout, with every message and attribute passed through `scrub`. */
export class ScrubbingLogFormatter extends LogFormatter {
  override formatAttributes(
    attributes: UnformattedAttributes,
    additionalLogAttributes: LogAttributes,
  ): LogItem {
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: typeof attributes.message === 'string' ? scrubText(attributes.message) : attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    const extra: LogAttributes = {};
    for (const [key, value] of Object.entries(additionalLogAttributes)) {
      // Powertools' error layout (name, location, message, stack) before scrubbing.
      extra[key] = value instanceof Error ? this.formatError(value) : value;
    }
    return new LogItem({ attributes: base }).addAttributes(scrub(extra) as LogAttributes);
  }
}

export interface LoggerOptions {
  serviceName?: string;
  logLevel?: LogLevel;
  persistentKeys?: LogAttributes;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return new Logger({
    serviceName: options.serviceName ?? config.serviceName(),
    logLevel: options.logLevel ?? config.logLevel(),
    logFormatter: new ScrubbingLogFormatter(),
    persistentKeys: options.persistentKeys ?? {},
  });
}

/** The function's logger; add context with `logger.addContext(context)` in the handler. */
export const logger = createLogger();
