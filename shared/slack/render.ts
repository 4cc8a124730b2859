import { ChatbotNotificationSchema } from '../notify/chatbot.js';
import * as v from '../validation/input-schema.js';
import { contextBlocks, headerBlock, type SlackMessage, slackMessage, textBlocks } from './message.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { AlarmNotificationSchema, renderAlarmNotification } from './render-alarm.js';
import { renderAlertNotification } from './render-alert.js';

/** What the alert topic carries: an alert in the custom notification schema, or one of the stack's own alarms. */
export function renderTopicMessage(message: string, subject?: string): SlackMessage {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    body = undefined;
  }
  const alert = v.safeParse(ChatbotNotificationSchema, body);
  if (alert.success) return renderAlertNotification(alert.output);
  const alarm = v.safeParse(AlarmNotificationSchema, body);
  if (alarm.success) return renderAlarmNotification(alarm.output);
  // Shown as it came rather than dropped: someone published to the topic by hand, and should be read.
  const title = subject || 'Message on the ecs-autopilot alert topic';
  return slackMessage(title, [
    headerBlock(title),
    ...textBlocks(`\`\`\`${escapeMrkdwn(message.slice(0, 2900))}\`\`\``),
    ...contextBlocks(['not an ecs-autopilot alert: shown as published']),
  ]);
}
