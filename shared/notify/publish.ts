import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from './alert.js';
import { toChatbotNotification } from './chatbot.js';

/** The SNS message attributes subscribers filter on. */
export function alertAttributes(alert: Alert) {
  const attribute = (value: string) => ({ DataType: 'String', StringValue: value || 'none' });
  return {
    severity: attribute(alert.severity),
    kind: attribute(alert.kind),
    cluster: attribute(alert.cluster),
    service: attribute(alert.service),
    // One topic serves every account and region the deployment acts in: subscribers may filter on them too.
    account: attribute(alert.account),
    region: attribute(alert.region),
  };
}

/** Publishes one alert to the topic: the body in the custom notification schema, the attributes beside it. */
export async function publishAlert(sns: SNSClient, topicArn: string, alert: Alert): Promise<string | undefined> {
  const out = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: alert.title.slice(0, 99),
      Message: JSON.stringify(toChatbotNotification(alert)),
      MessageAttributes: alertAttributes(alert),
    }),
  );
  return out.MessageId;
}
