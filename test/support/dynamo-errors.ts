import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** The error DynamoDB answers a write whose condition does not hold, as the SDK raises it. */
export const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
