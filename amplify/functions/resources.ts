import { alertLowestPrice } from './alert-lowest-price/resource';
import { alertPresale } from './alert-presale/resource';
import { alertRealTransaction } from './alert-real-transaction/resource';
import { alertSubscription } from './alert-subscription/resource';
import { authCreateChallenge } from './auth-create-challenge/resource';
import { authDefineChallenge } from './auth-define-challenge/resource';
import { authPreSignUp } from './auth-pre-sign-up/resource';
import { authVerifyChallenge } from './auth-verify-challenge/resource';
import { badgeSync } from './badge-sync/resource';
import { brokerMatching } from './broker-matching/resource';
import { chatReminder } from './chat-reminder/resource';
import { conversationCreated } from './conversation-created/resource';
import { conversationLink } from './conversation-link/resource';
import { dataSync } from './data-sync/resource';
import { deviceCleanup } from './device-cleanup/resource';
import { deviceRegister } from './device-register/resource';
import { legacyEventRelay } from './legacy-event-relay/resource';
import { messageLegacySync } from './message-legacy-sync/resource';
import { messagePush } from './message-push/resource';
import { messageReadReceipt } from './message-read-receipt/resource';
import { messageUnreadCounter } from './message-unread-counter/resource';
import { noticeBroadcast } from './notice-broadcast/resource';
import { notificationFanout } from './notification-fanout/resource';
import { pushSender } from './push-sender/resource';
import { realTransactionUpdate } from './real-transaction-update/resource';
import { restAppApi } from './rest-app-api/resource';
import { restLegacyWebhook } from './rest-legacy-webhook/resource';
import { userDeleteCascade } from './user-delete-cascade/resource';
import { userPostConfirmation } from './user-post-confirmation/resource';

/** Every function of the backend, by the name `defineBackend` gives it (backend.<name>). */
export const functions = {
  authPreSignUp,
  authDefineChallenge,
  authCreateChallenge,
  authVerifyChallenge,
  userPostConfirmation,
  conversationLink,
  conversationCreated,
  messageLegacySync,
  messageUnreadCounter,
  messagePush,
  messageReadReceipt,
  legacyEventRelay,
  notificationFanout,
  noticeBroadcast,
  chatReminder,
  deviceRegister,
  deviceCleanup,
  badgeSync,
  pushSender,
  alertLowestPrice,
  alertPresale,
  alertRealTransaction,
  alertSubscription,
  dataSync,
  brokerMatching,
  realTransactionUpdate,
  restAppApi,
  restLegacyWebhook,
  userDeleteCascade,
};
