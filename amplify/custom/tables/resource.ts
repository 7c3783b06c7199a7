import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  Table,
  TableEncryption,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type Deployment, resourceName, retainsData } from '../../environment';

/**
 * DynamoDB tables the GraphQL API does not expose (DESIGN §3): only functions use them.
 */
export class Tables extends Construct {
  /**
   * OTP challenges: one row per challenge (`pk` = challenge id) and counter rows per phone
   * (`pk` = phone, `sk` = window), both expiring through `expiresAt` (epoch seconds).
   */
  readonly otpChallenges: Table;
  /** Powertools idempotency records: `id` key, `expiration` TTL (its default layout). */
  readonly idempotency: Table;

  constructor(scope: Construct, id: string, deployment: Deployment) {
    super(scope, id);
    const retain = retainsData(deployment);
    const common: Omit<TableProps, 'partitionKey'> = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    };

    this.otpChallenges = new Table(this, 'OtpChallenges', {
      ...common,
      tableName: resourceName(deployment, 'otp-challenges'),
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
    });

    this.idempotency = new Table(this, 'Idempotency', {
      ...common,
      tableName: resourceName(deployment, 'idempotency'),
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
    });
  }
}
