import type { LegacySampleData, RealTransaction } from './sample-data';

/** The event envelope the legacy-event-relay delivers (amplify/functions/shared/events.ts). */
export interface ReceivedEvent {
  type: string;
  id: string;
  occurredAt: string;
  version: 1;
  payload: Record<string, unknown>;
  receivedAt: string;
  /** The service token's subject: which function delivered it. */
  deliveredBy?: string;
}

export interface CrmConversation {
  conversationId: string;
  buyerId: string;
  brokerId: string;
  listingId: string | null;
  complexId: string | null;
  createdAt: string;
  crmTicketId: string;
  receivedAt: string;
}

export interface LegacyUser {
  userId: string;
  role: string;
  createdAt: string | null;
  receivedAt: string;
}

/** A row the crawler saved through `POST /v1/real-transactions`, normalized. */
export interface SavedRealTransaction {
  id: string;
  lawdCode: string;
  regionCode: string | null;
  complexId: string | null;
  complexName: string;
  jibun: string;
  priceWon: number;
  exclusiveAreaM2: number;
  floor: number;
  contractDate: string;
  savedAt: string;
}

/** Everything the stand-in knows: the sample data plus what it has been told. */
export interface LegacyStore {
  data: LegacySampleData;
  /** Delivered events by envelope id: one entry per fact however often it was delivered. */
  events: Map<string, ReceivedEvent>;
  crmConversations: Map<string, CrmConversation>;
  users: Map<string, LegacyUser>;
  /** Deleted account ids and when. */
  deletedUsers: Map<string, string>;
  /** Saved real transactions by their natural key. */
  savedRealTransactions: Map<string, SavedRealTransaction>;
}

export function createLegacyStore(data: LegacySampleData): LegacyStore {
  return {
    data,
    events: new Map(),
    crmConversations: new Map(),
    users: new Map(),
    deletedUsers: new Map(),
    savedRealTransactions: new Map(),
  };
}

/** A saved row with a complex id shows up in the 실거래 alert feed from the moment it was saved. */
export function asAlertTransaction(row: SavedRealTransaction): RealTransaction | undefined {
  if (!row.complexId) return undefined;
  return {
    id: row.id,
    complexId: row.complexId,
    priceWon: row.priceWon,
    exclusiveAreaM2: row.exclusiveAreaM2,
    floor: row.floor,
    contractDate: row.contractDate,
    registeredAt: row.savedAt,
  };
}
