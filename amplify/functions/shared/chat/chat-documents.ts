import { CONVERSATION_FIELDS, MEMBER_FIELDS, MESSAGE_FIELDS } from './chat-fields';

/**
 * The GraphQL documents that read and write conversations, members and messages through AppSync,
 * shared by every function that does (conversation-link, broker assignment, account deletion).
 * Each mutation selects the row's fields, so members' subscriptions receive the whole row.
 */

export const GET_CONVERSATION = `query GetConversation($id: ID!) {
  getConversation(id: $id) { ${CONVERSATION_FIELDS} } }`;

export const CREATE_CONVERSATION = `mutation CreateConversation($input: CreateConversationInput!) {
  createConversation(input: $input) { ${CONVERSATION_FIELDS} } }`;

/** `$condition` is optional on every update: optimistic writes (shared/optimistic-update.ts) pass one. */
export const UPDATE_CONVERSATION = `mutation UpdateConversation($input: UpdateConversationInput!, $condition: ModelConversationConditionInput) {
  updateConversation(input: $input, condition: $condition) { ${CONVERSATION_FIELDS} } }`;

export const GET_MEMBER = `query GetMember($conversationId: ID!, $userId: ID!) {
  getConversationMember(conversationId: $conversationId, userId: $userId) { ${MEMBER_FIELDS} } }`;

export const CREATE_MEMBER = `mutation CreateMember($input: CreateConversationMemberInput!) {
  createConversationMember(input: $input) { ${MEMBER_FIELDS} } }`;

export const UPDATE_MEMBER = `mutation UpdateMember($input: UpdateConversationMemberInput!, $condition: ModelConversationMemberConditionInput) {
  updateConversationMember(input: $input, condition: $condition) { ${MEMBER_FIELDS} } }`;

export const DELETE_MEMBER = `mutation DeleteConversationMember($input: DeleteConversationMemberInput!) {
  deleteConversationMember(input: $input) { ${MEMBER_FIELDS} } }`;

export const GET_MESSAGE = `query GetMessage($id: ID!) { getMessage(id: $id) { ${MESSAGE_FIELDS} } }`;

export const CREATE_MESSAGE = `mutation CreateMessage($input: CreateMessageInput!) {
  createMessage(input: $input) { ${MESSAGE_FIELDS} } }`;

export const UPDATE_MESSAGE = `mutation UpdateMessage($input: UpdateMessageInput!, $condition: ModelMessageConditionInput) {
  updateMessage(input: $input, condition: $condition) { ${MESSAGE_FIELDS} } }`;
