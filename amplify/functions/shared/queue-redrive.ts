/**
 * A failed message is received this many times before SQS moves it to its queue's DLQ. The queues
 * (amplify/custom/messaging/resource.ts) and the consumers that capture a message's last failure
 * (shared/batch.ts) read the same number.
 */
export const MAX_RECEIVE_COUNT = 5;
