import { a, type ClientSchema, defineData } from '@aws-amplify/backend';
import { currentCdkContext } from '../environment';
import { alertLowestPrice } from '../functions/alert-lowest-price/resource';
import { alertPresale } from '../functions/alert-presale/resource';
import { alertRealTransaction } from '../functions/alert-real-transaction/resource';
import { alertSubscription } from '../functions/alert-subscription/resource';
import { badgeSync } from '../functions/badge-sync/resource';
import { brokerMatching } from '../functions/broker-matching/resource';
import { chatReminder } from '../functions/chat-reminder/resource';
import { conversationCreated } from '../functions/conversation-created/resource';
import { conversationLink } from '../functions/conversation-link/resource';
import { deviceRegister } from '../functions/device-register/resource';
import { messagePush } from '../functions/message-push/resource';
import { messageReadReceipt } from '../functions/message-read-receipt/resource';
import { messageUnreadCounter } from '../functions/message-unread-counter/resource';
import { noticeBroadcast } from '../functions/notice-broadcast/resource';
import { notificationFanout } from '../functions/notification-fanout/resource';
import { restAppApi } from '../functions/rest-app-api/resource';
import { restLegacyWebhook } from '../functions/rest-legacy-webhook/resource';
import { userDeleteCascade } from '../functions/user-delete-cascade/resource';
import {
  adoptionBranchName,
  gen1TableMappings,
  loadGen1Resources,
  schemaAdoptingGen1Tables,
} from '../migration/gen1-resources';
import { alertSubscriptionModels } from './models/alert-subscription';
import { chatModels } from './models/chat';
import { deviceModels } from './models/device';
import { enums } from './models/enums';
import { notificationModels } from './models/notification';
import { referenceDataModels } from './models/reference-data';
import { userProfileModels } from './models/user-profile';
import { accountDeletionOperations } from './operations/account-deletion';
import { alertOperations } from './operations/alerts';
import { badgeOperations } from './operations/badge';
import { chatOperations } from './operations/chat';
import { profileOperations } from './operations/profile';
import { operationResults } from './operations/results';
import { shareLinkOperations } from './operations/share-links';

/**
 * The AppSync API and its DynamoDB tables (DESIGN §3): one schema composed of the models
 * (`models/`: the enums, then a file per model or small group of models) and the custom
 * operations (`operations/`: what they return, then a file per domain). The order of the spreads
 * is the order of the definitions in the API's schema.
 *
 * Authorization is the security boundary:
 * - every user id is the Cognito `sub` (`identityClaim('sub')`), so functions can write
 *   rows for a user without knowing the username;
 * - a conversation, its members and its messages are readable only by its members
 *   (`ownersDefinedIn('memberIds')`), which also filters their subscriptions;
 * - counters, previews, memberships and messages are written by functions only (IAM),
 *   never by clients: the custom operations that validate input come with their issues;
 * - a profile is the public card of a user (nickname, role, image) to anyone signed in who asks
 *   for it by id (`get`), never as a list; its phone, consents, regions and deletion are its
 *   owner's (admins read consents and regions, never the phone); its owner changes it only
 *   through updateProfile and updateConsents, which validate and stamp the time.
 */

const schema = a
  .schema({
    ...enums,
    ...userProfileModels,
    ...deviceModels,
    ...chatModels,
    ...notificationModels,
    ...alertSubscriptionModels,
    ...referenceDataModels,
    ...operationResults,
    ...profileOperations,
    ...badgeOperations,
    ...alertOperations,
    ...chatOperations,
    ...accountDeletionOperations,
    ...shareLinkOperations,
  })
  // Functions write through AppSync with IAM, so subscribers see what they write.
  .authorization((allow) => [
    allow.resource(conversationLink),
    allow.resource(conversationCreated),
    allow.resource(messageUnreadCounter).to(['query', 'mutate']),
    // Reads memberships, profiles and the badge; writes nothing.
    allow.resource(messagePush).to(['query']),
    allow.resource(messageReadReceipt).to(['query', 'mutate']),
    // Reads consents, notifications and memberships for the badge; writes nothing.
    allow.resource(notificationFanout).to(['query']),
    // Creates NOTICE rows; reads nothing through AppSync.
    allow.resource(noticeBroadcast).to(['mutate']),
    // Lists a conversation's messages; creates CHAT_REMINDER rows.
    allow.resource(chatReminder).to(['query', 'mutate']),
    // Writes Device rows (a registration, the per-user cap) and reads the caller's devices;
    // reads and writes the caller's UserProfile (updateProfile, updateConsents).
    allow.resource(deviceRegister).to(['query', 'mutate']),
    // Sets readAt on notifications and reads memberships and notifications for the badge.
    allow.resource(badgeSync).to(['query', 'mutate']),
    // Read subscriptions by kind and target, create Notification rows.
    allow.resource(alertLowestPrice).to(['query', 'mutate']),
    allow.resource(alertPresale).to(['query', 'mutate']),
    allow.resource(alertRealTransaction).to(['query', 'mutate']),
    allow.resource(alertSubscription).to(['query', 'mutate']),
    // Reads listings, complexes and conversations; adds the broker, the system message, the notification.
    allow.resource(brokerMatching).to(['query', 'mutate']),
    // broker.assigned adds the broker; listing.status_changed posts system messages.
    allow.resource(restLegacyWebhook).to(['query', 'mutate']),
    // GET /v1/me/badge reads memberships and notifications, like the badge query.
    allow.resource(restAppApi).to(['query']),
    // Removes memberships, anonymizes messages, posts the "left" message.
    allow.resource(userDeleteCascade).to(['query', 'mutate']),
  ]);

export type Schema = ClientSchema<typeof schema>;

// Branches that adopt a live Gen 1 app's tables (amplify/migration/gen1-resources.json, docs/migration.md).
const synthContext = currentCdkContext();
const gen1Resources = loadGen1Resources(synthContext);
const adoptedModels = Object.keys(gen1Resources[adoptionBranchName(synthContext) ?? '']?.tables ?? {});

export const data = defineData({
  // Typed schemas are never imported by backend-data: see schemaAdoptingGen1Tables.
  schema: schemaAdoptingGen1Tables(schema, adoptedModels),
  authorizationModes: {
    defaultAuthorizationMode: 'userPool',
  },
  migratedAmplifyGen1DynamoDbTableMappings: gen1TableMappings(gen1Resources),
});
