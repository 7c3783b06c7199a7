import { defineFunction } from '@aws-amplify/backend';
import { baseFunctionEnvironment } from '../../function-environment';
import { ENV } from '../shared/env-names';

/**
 * Daily chat reminders, 19:00–20:45 KST: before the 21:00 night limit. The first run sweeps; the
 * later ones finish a sweep that ran out of time and otherwise return at once (reminder-sweep.ts).
 */
export const chatReminder = defineFunction({
  name: 'chat-reminder',
  entry: './handler.ts',
  // Well under the 15 minutes between runs, so two runs never overlap.
  timeoutSeconds: 300,
  memoryMB: 512,
  runtime: 22,
  schedule: { cron: '*/15 19-20 * * ?', timezone: 'Asia/Seoul' },
  // Scans the ConversationMember model table directly: in the data stack, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: { ...baseFunctionEnvironment(), [ENV.CHAT_REMINDER_AFTER_HOURS]: '24' },
});
