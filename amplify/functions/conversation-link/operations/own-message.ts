import { planEdit, planSoftDelete } from '../message-edits';
import { accepted, type Operation } from './operation';

/** editMessage and deleteOwnMessage: a sender changes their own message; the plans refuse anyone else. */

export const editMessage: Operation = async (args, caller, { store, now }) => {
  const change = accepted(
    planEdit(await store.message(String(args.id)), { callerId: caller.userId, body: args.body, now: now() }),
  );
  // The same text again: no write, no event.
  return change.update ? store.updateMessage(change.update) : change.message;
};

export const deleteOwnMessage: Operation = async (args, caller, { store, now }) => {
  const change = accepted(
    planSoftDelete(await store.message(String(args.id)), { callerId: caller.userId, now: now() }),
  );
  // Deleted already: no write, no event.
  return change.update ? store.updateMessage(change.update) : change.message;
};
