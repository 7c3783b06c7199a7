import { a } from '@aws-amplify/backend';

/** A function defined with defineFunction, as a custom operation's handler takes it. */
type OperationFunction = Parameters<typeof a.handler.function>[0];

// Every custom operation may be called by any signed-in user: its function decides what the caller
// may do (a member of the conversation, the owner of the alert). Each operation then says only its
// arguments and what it returns.

/** A mutation any signed-in user may call, answered by `fn`. */
export const signedInMutation = (fn: OperationFunction) =>
  a
    .mutation()
    .authorization((allow) => [allow.authenticated()])
    .handler(a.handler.function(fn));

/** A query any signed-in user may call, answered by `fn`. */
export const signedInQuery = (fn: OperationFunction) =>
  a
    .query()
    .authorization((allow) => [allow.authenticated()])
    .handler(a.handler.function(fn));
