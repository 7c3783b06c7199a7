import { CONVERSATION_FIELDS, MEMBER_FIELDS, MESSAGE_FIELDS } from './chat-fields';

/**
 * The chat writes the typed client cannot send: an update with a `condition` (optimistic writes,
 * shared/optimistic-update.ts), sent with graphqlOf. Each selects the row's fields, so members'
 * subscriptions receive the whole row. Reads and unconditional writes use the typed models.
 */

export const UPDATE_CONVERSATION = `mutation UpdateConversation($input: UpdateConversationInput!, $condition: ModelConversationConditionInput) {
  updateConversation(input: $input, condition: $condition) { ${CONVERSATION_FIELDS} } }`;

export const UPDATE_MEMBER = `mutation UpdateMember($input: UpdateConversationMemberInput!, $condition: ModelConversationMemberConditionInput) {
  updateConversationMember(input: $input, condition: $condition) { ${MEMBER_FIELDS} } }`;

export const UPDATE_MESSAGE = `mutation UpdateMessage($input: UpdateMessageInput!, $condition: ModelMessageConditionInput) {
  updateMessage(input: $input, condition: $condition) { ${MESSAGE_FIELDS} } }`;
