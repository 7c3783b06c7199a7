import {
  type BrokerProfileRow,
  CONVERSATION_KINDS,
  type ConversationItem,
  type ConversationKind,
  type ConversationMemberItem,
  type ConversationStatus,
  conversationIdFor,
  dedupeKey,
  type UserRole,
} from '../shared/chat/conversation';
import { accept, type Decision, type Refusal, refuse } from '../shared/decision';

/**
 * startConversation's decision (DESIGN §2, function 10): who may open which conversation, its
 * dedupe key, and the Conversation and ConversationMember rows to create.
 */

export interface StartConversationRequest {
  callerId: string;
  callerRole: UserRole;
  /** As the client sent it; unknown kinds are refused. */
  kind: string;
  brokerId?: string | null;
  listingId?: string | null;
  complexId?: string | null;
  now: Date;
  /** The BrokerProfile row for brokerId, if there is one. */
  broker: BrokerProfileRow | undefined;
}

export interface StartConversationPlan {
  conversation: ConversationItem;
  members: ConversationMemberItem[];
}

/** Legacy listing/complex/broker ids (`LST-20001`, `CPX-1001`, `BRK-301`) and Cognito subs. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** An optional id argument: undefined or null is no id; anything else must be a well-formed id. */
export function optionalLegacyId(field: string, value: unknown): Decision<string | undefined> {
  if (value === undefined || value === null) return accept(undefined);
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    return refuse('INVALID_ID', `${field} 값의 형식이 올바르지 않습니다.`, `${field} is not a valid id.`);
  }
  return accept(value);
}

function isConversationKind(kind: string): kind is ConversationKind {
  return (CONVERSATION_KINDS as readonly string[]).includes(kind);
}

/** Who may start this conversation, and the rows that make it; the same request always plans the same ids. */
export function planStartConversation(request: StartConversationRequest): Decision<StartConversationPlan> {
  const { callerId, kind, now, broker } = request;
  if (!isConversationKind(kind)) {
    return refuse(
      'UNSUPPORTED_CONVERSATION_KIND',
      `지원하지 않는 대화 종류입니다: ${kind.slice(0, 40)}`,
      `Unsupported conversation kind ${kind.slice(0, 40)}; use DIRECT, LISTING_INQUIRY or SUPPORT.`,
    );
  }
  const ids: Record<'brokerId' | 'listingId' | 'complexId', string | undefined> = {
    brokerId: undefined,
    listingId: undefined,
    complexId: undefined,
  };
  for (const field of ['brokerId', 'listingId', 'complexId'] as const) {
    const id = optionalLegacyId(field, request[field]);
    if (!id.ok) return id;
    ids[field] = id.value;
  }
  const { brokerId, listingId, complexId } = ids;

  if (kind === 'LISTING_INQUIRY' && !listingId) {
    return refuse(
      'LISTING_REQUIRED',
      '매물 문의에는 매물 ID가 필요합니다.',
      'A LISTING_INQUIRY needs a listingId.',
    );
  }
  if (kind === 'DIRECT' && listingId) {
    return refuse(
      'LISTING_INQUIRY_REQUIRED',
      '매물에 대한 대화는 매물 문의(LISTING_INQUIRY)로 시작해주세요.',
      'Start a conversation about a listing as a LISTING_INQUIRY.',
    );
  }
  if (kind === 'DIRECT' && !brokerId) {
    return refuse(
      'BROKER_REQUIRED',
      '대화할 중개사를 선택해주세요.',
      'A DIRECT conversation needs a brokerId.',
    );
  }
  if (kind === 'SUPPORT' && brokerId) {
    return refuse(
      'SUPPORT_WITHOUT_BROKER',
      '고객센터 문의에는 중개사를 지정할 수 없습니다.',
      'A SUPPORT conversation has no broker.',
    );
  }

  let brokerUserId: string | undefined;
  if (brokerId) {
    if (brokerId === callerId) return selfConversation();
    if (!broker || broker.id !== brokerId) {
      return refuse('UNKNOWN_BROKER', '중개사를 찾을 수 없습니다.', `Broker ${brokerId} not found.`);
    }
    if (broker.userId === callerId) {
      return request.callerRole === 'BROKER'
        ? refuse(
            'SELF_INQUIRY',
            '중개사 본인에게는 문의할 수 없습니다.',
            "A broker can't start an inquiry with themselves.",
          )
        : selfConversation();
    }
    if (!broker.active) {
      return refuse(
        'BROKER_INACTIVE',
        '지금은 상담할 수 없는 중개사입니다.',
        'This broker is not taking conversations.',
      );
    }
    brokerUserId = broker.userId ?? undefined;
  }

  const key = dedupeKey({ kind, buyerId: callerId, brokerId, listingId, complexId });
  const id = conversationIdFor(key);
  const at = now.toISOString();
  const memberIds = brokerUserId ? [callerId, brokerUserId] : [callerId];
  // Without a broker who uses the app, an inquiry waits for broker-matching or the broker's sign-up.
  const status: ConversationStatus = kind === 'SUPPORT' || brokerUserId ? 'OPEN' : 'WAITING_FOR_BROKER';

  const conversation: ConversationItem = {
    __typename: 'Conversation',
    id,
    kind,
    status,
    memberIds,
    dedupeKey: key,
    buyerId: callerId,
    ...(brokerId ? { brokerId } : {}),
    ...(listingId ? { listingId } : {}),
    ...(complexId ? { complexId } : {}),
    lastMessageAt: at,
    createdAt: at,
    updatedAt: at,
  };
  const member = (userId: string, role: 'BUYER' | 'BROKER'): ConversationMemberItem => ({
    __typename: 'ConversationMember',
    conversationId: id,
    userId,
    memberIds: [...memberIds],
    role,
    unreadCount: 0,
    muted: false,
    lastMessageAt: at,
    createdAt: at,
    updatedAt: at,
  });
  const members = [member(callerId, 'BUYER')];
  if (brokerUserId) members.push(member(brokerUserId, 'BROKER'));
  return accept({ conversation, members });
}

function selfConversation(): Refusal {
  return refuse(
    'SELF_CONVERSATION',
    '자기 자신과는 대화를 시작할 수 없습니다.',
    "You can't start a conversation with yourself.",
  );
}
