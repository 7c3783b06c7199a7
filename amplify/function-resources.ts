import { alertLowestPrice } from './functions/alert-lowest-price/resource';
import { alertPresale } from './functions/alert-presale/resource';
import { alertRealTransaction } from './functions/alert-real-transaction/resource';
import { alertSubscription } from './functions/alert-subscription/resource';
import { authCreateChallenge } from './functions/auth-create-challenge/resource';
import { authDefineChallenge } from './functions/auth-define-challenge/resource';
import { authPreSignUp } from './functions/auth-pre-sign-up/resource';
import { authVerifyChallenge } from './functions/auth-verify-challenge/resource';
import { badgeSync } from './functions/badge-sync/resource';
import { brokerMatching } from './functions/broker-matching/resource';
import { chatReminder } from './functions/chat-reminder/resource';
import { conversationCreated } from './functions/conversation-created/resource';
import { conversationLink } from './functions/conversation-link/resource';
import { dataSync } from './functions/data-sync/resource';
import { deviceCleanup } from './functions/device-cleanup/resource';
import { deviceRegister } from './functions/device-register/resource';
import { legacyEventRelay } from './functions/legacy-event-relay/resource';
import { messageLegacySync } from './functions/message-legacy-sync/resource';
import { messagePush } from './functions/message-push/resource';
import { messageReadReceipt } from './functions/message-read-receipt/resource';
import { messageUnreadCounter } from './functions/message-unread-counter/resource';
import { noticeBroadcast } from './functions/notice-broadcast/resource';
import { notificationFanout } from './functions/notification-fanout/resource';
import { pushSender } from './functions/push-sender/resource';
import { realTransactionUpdate } from './functions/real-transaction-update/resource';
import { restAppApi } from './functions/rest-app-api/resource';
import { restLegacyWebhook } from './functions/rest-legacy-webhook/resource';
import { userDeleteCascade } from './functions/user-delete-cascade/resource';
import { userPostConfirmation } from './functions/user-post-confirmation/resource';

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
