import * as v from '../validation/input-schema.js';
import {
  contextBlocks,
  factBlocks,
  headerBlock,
  linkBlocks,
  type SlackMessage,
  slackMessage,
  textBlocks,
} from './message.js';
import { escapeMrkdwn } from './mrkdwn.js';

const optionalString = v.optional(v.string());

/** The JSON CloudWatch publishes to SNS when an alarm changes state (the stack's own alarms use the alert topic). */
export const AlarmNotificationSchema = v.looseObject({
  AlarmName: v.pipe(v.string(), v.minLength(1)),
  AlarmDescription: v.nullish(v.string()),
  AWSAccountId: optionalString,
  NewStateValue: v.picklist(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  OldStateValue: optionalString,
  NewStateReason: optionalString,
  StateChangeTime: optionalString,
  AlarmArn: optionalString,
  Trigger: v.optional(
    v.looseObject({
      MetricName: v.nullish(v.string()),
      Namespace: v.nullish(v.string()),
      Dimensions: v.nullish(v.array(v.looseObject({ name: v.string(), value: v.string() }))),
    }),
  ),
});

export type AlarmNotification = v.InferOutput<typeof AlarmNotificationSchema>;

const stateMark = { ALARM: '🔴', OK: '✅', INSUFFICIENT_DATA: '⚪' } as const;

/** The alarm's region code, read from its ARN (the notification's `Region` is a display name). */
function regionOf(alarm: AlarmNotification): string | undefined {
  return alarm.AlarmArn?.split(':')[3];
}

/** One of the stack's own alarms in Block Kit: what fired, on which metric, why, and what to do (its description). */
export function renderAlarmNotification(alarm: AlarmNotification): SlackMessage {
  const state = alarm.NewStateValue;
  const title = `${stateMark[state]} ${state === 'OK' ? 'recovered' : state === 'ALARM' ? 'alarm' : 'no data'}: ${alarm.AlarmName}`;
  const trigger = alarm.Trigger;
  const dimensions = (trigger?.Dimensions ?? []).map((d) => `${d.name}=${d.value}`).join(', ');
  const region = regionOf(alarm);
  const facts = [
    { label: 'State', value: `${alarm.OldStateValue ?? '?'} → ${state}` },
    ...(trigger?.MetricName
      ? [{ label: 'Metric', value: `${trigger.Namespace ?? ''} ${trigger.MetricName}`.trim() }]
      : []),
    ...(dimensions ? [{ label: 'Dimensions', value: dimensions }] : []),
    ...(alarm.StateChangeTime ? [{ label: 'Changed', value: alarm.StateChangeTime }] : []),
    ...(alarm.AWSAccountId ? [{ label: 'Account', value: alarm.AWSAccountId }] : []),
    ...(region ? [{ label: 'Region', value: region }] : []),
  ];
  const link = region
    ? [
        {
          label: 'Alarm',
          url: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarm.AlarmName)}`,
        },
      ]
    : [];
  const blocks = [
    headerBlock(title),
    ...factBlocks(facts),
    ...textBlocks(alarm.NewStateReason ? `*Why:* ${escapeMrkdwn(alarm.NewStateReason)}` : ''),
    ...textBlocks(alarm.AlarmDescription ? `*What to do:* ${escapeMrkdwn(alarm.AlarmDescription)}` : ''),
    ...linkBlocks(link),
    ...contextBlocks(['an alarm on ecs-autopilot itself']),
  ];
  return slackMessage(title, blocks);
}
