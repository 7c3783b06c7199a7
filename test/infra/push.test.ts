import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Push } from '../../amplify/custom/push/resource';
import { type BackendIdentifier, deploymentSettings, pushSettings } from '../../amplify/environment';
import { PUSH_CONFIGURED_CONTEXT, type Synth, synth, TEST_APP_ID } from './synth';

const CHANNEL_TYPES = [
  'AWS::Pinpoint::APNSChannel',
  'AWS::Pinpoint::APNSSandboxChannel',
  'AWS::Pinpoint::GCMChannel',
];

let sandbox: Synth;
let prodWithPush: Synth;

beforeAll(async () => {
  [sandbox, prodWithPush] = await Promise.all([synth('sandbox'), synth('prodWithPush')]);
});

/** The push construct alone in a plain stack: for stage rules that don't need a whole backend synth. */
function pushTemplateFor(identifier: BackendIdentifier, context: Record<string, unknown>): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'PushOnly');
  const deployment = deploymentSettings(identifier);
  new Push(stack, 'Push', {
    deployment,
    backendIdentifier: identifier,
    settings: pushSettings(deployment, context),
  });
  return Template.fromStack(stack);
}

describe('push', () => {
  it('creates the push application named per deployment', () => {
    sandbox
      .template('push')
      .hasResourceProperties('AWS::Pinpoint::App', { Name: 'sandbox-alice-bootalk-push' });
    prodWithPush.template('push').hasResourceProperties('AWS::Pinpoint::App', { Name: 'bootalk-push' });
  });

  it('creates no channel and reads no secret when no channel is configured', () => {
    const push = sandbox.template('push');
    for (const type of CHANNEL_TYPES) push.resourceCountIs(type, 0);
    push.resourceCountIs('Custom::AmplifySecretFetcherResource', 0);
  });

  it('creates an APNs token channel for the configured team, key and bundle id', () => {
    const push = prodWithPush.template('push');
    const appId = Object.keys(push.findResources('AWS::Pinpoint::App'))[0]!;
    const fetcherId = Object.keys(push.findResources('Custom::AmplifySecretFetcherResource'))[0]!;
    push.hasResourceProperties('AWS::Pinpoint::APNSChannel', {
      ApplicationId: { Ref: appId },
      Enabled: true,
      DefaultAuthenticationMethod: 'TOKEN',
      BundleId: 'kr.co.bootalk.app',
      TeamId: 'TEAMID1234',
      TokenKeyId: 'KEYID12345',
      TokenKey: { 'Fn::GetAtt': [fetcherId, 'APNS_TOKEN_KEY'] },
    });
    push.resourceCountIs('AWS::Pinpoint::APNSSandboxChannel', 0);
  });

  it('creates an FCM channel that authenticates with a service-account JSON (FCM HTTP v1)', () => {
    const push = prodWithPush.template('push');
    const appId = Object.keys(push.findResources('AWS::Pinpoint::App'))[0]!;
    const fetcherId = Object.keys(push.findResources('Custom::AmplifySecretFetcherResource'))[0]!;
    push.hasResourceProperties('AWS::Pinpoint::GCMChannel', {
      ApplicationId: { Ref: appId },
      Enabled: true,
      DefaultAuthenticationMethod: 'TOKEN',
      ServiceJson: { 'Fn::GetAtt': [fetcherId, 'FCM_SERVICE_ACCOUNT_JSON'] },
    });
  });

  it("reads the channels' keys from this branch's Amplify secrets at deploy time", () => {
    prodWithPush.template('push').hasResourceProperties('Custom::AmplifySecretFetcherResource', {
      namespace: TEST_APP_ID,
      name: 'main',
      type: 'branch',
      secretNames: ['APNS_TOKEN_KEY', 'FCM_SERVICE_ACCOUNT_JSON'],
    });
  });

  it('uses the APNs sandbox channel for dev builds outside staging and prod', () => {
    const dev = pushTemplateFor(
      { namespace: 'bootalk', name: 'dev', type: 'branch' },
      PUSH_CONFIGURED_CONTEXT,
    );
    dev.resourceCountIs('AWS::Pinpoint::APNSSandboxChannel', 1);
    dev.resourceCountIs('AWS::Pinpoint::APNSChannel', 0);
    const staging = pushTemplateFor(
      { namespace: 'bootalk', name: 'staging', type: 'branch' },
      PUSH_CONFIGURED_CONTEXT,
    );
    staging.resourceCountIs('AWS::Pinpoint::APNSChannel', 1);
  });

  it('needs both the APNs team id and key id before it creates an APNs channel', () => {
    const teamOnly = pushTemplateFor(
      { namespace: 'bootalk', name: 'main', type: 'branch' },
      { 'bootalk:push-apns-team-id': 'TEAMID1234' },
    );
    for (const type of CHANNEL_TYPES) teamOnly.resourceCountIs(type, 0);
  });

  it('gives a sandbox no channels by default', () => {
    const settings = pushSettings(deploymentSettings({ namespace: 'bootalk', name: 'bob', type: 'sandbox' }));
    expect(settings.apns).toBeUndefined();
    expect(settings.fcm).toBe(false);
  });
});
