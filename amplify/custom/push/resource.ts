import { secret } from '@aws-amplify/backend';
import { Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { CfnAPNSChannel, CfnAPNSSandboxChannel, CfnApp, CfnGCMChannel } from 'aws-cdk-lib/aws-pinpoint';
import { Construct } from 'constructs';
import { type BackendIdentifier, type Deployment, type PushSettings, resourceName } from '../../environment';

export interface PushProps {
  deployment: Deployment;
  /** Which Amplify backend's secrets to read (branch first, then the app-wide value). */
  backendIdentifier: BackendIdentifier;
  settings: PushSettings;
}

/**
 * The AWS End User Messaging push application (an `AWS::Pinpoint::App`; only its
 * SendMessages API is used, DESIGN §4) and the APNs/FCM channels that are configured.
 *
 * Key material comes from Amplify secrets (`secret()`): the same mechanism defineAuth uses for
 * Sign in with Apple keys. `BackendSecret.resolve(scope, backendIdentifier)` is public and works in
 * any stack: it adds Amplify's secret-fetcher custom resource to this construct, which reads the
 * SSM SecureString at deploy time and answers with `NoEcho`, so the value is a CloudFormation
 * token that never appears in a template. One secret store for every credential, set with
 * `npx ampx sandbox secret set` or in the Amplify console.
 */
export class Push extends Construct {
  readonly app: CfnApp;
  /** For the push-sender function's PUSH_APPLICATION_ID. */
  readonly applicationId: string;
  readonly apnsChannel?: CfnAPNSChannel | CfnAPNSSandboxChannel;
  readonly fcmChannel?: CfnGCMChannel;

  constructor(scope: Construct, id: string, props: PushProps) {
    super(scope, id);
    const { deployment, backendIdentifier, settings } = props;

    this.app = new CfnApp(this, 'App', { name: resourceName(deployment, 'bootalk-push') });
    this.applicationId = this.app.ref;
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W3696',
      reason:
        'DESIGN §4: only the push app, its channels and SendMessages are used, which AWS End User Messaging ' +
        "carries on after Pinpoint's engagement features end (2026-10-30). CloudFormation warns on every " +
        'AWS::Pinpoint::* type; re-check the resource types before that date.',
    });

    const resolveSecret = (name: string) => secret(name).resolve(this, backendIdentifier).unsafeUnwrap();

    if (settings.apns) {
      const channelProps = {
        applicationId: this.applicationId,
        enabled: true,
        defaultAuthenticationMethod: 'TOKEN',
        bundleId: settings.bundleId,
        teamId: settings.apns.teamId,
        tokenKeyId: settings.apns.keyId,
        tokenKey: resolveSecret(settings.secrets.apnsTokenKey),
      };
      this.apnsChannel =
        settings.apns.environment === 'production'
          ? new CfnAPNSChannel(this, 'ApnsChannel', channelProps)
          : new CfnAPNSSandboxChannel(this, 'ApnsSandboxChannel', channelProps);
    }

    if (settings.fcm) {
      this.fcmChannel = new CfnGCMChannel(this, 'FcmChannel', {
        applicationId: this.applicationId,
        enabled: true,
        // FCM HTTP v1: a service-account JSON instead of the retired server key.
        defaultAuthenticationMethod: 'TOKEN',
        serviceJson: resolveSecret(settings.secrets.fcmServiceAccountJson),
      });
    }
  }

  /** Lets a function send through this app (SendMessages with direct device-token addresses). */
  grantSendMessages(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['mobiletargeting:SendMessages'],
      resourceArns: [`${this.app.attrArn}/messages`],
    });
  }
}
