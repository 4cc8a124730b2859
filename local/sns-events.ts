import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';

/** SNS message attributes as a publisher sends them (`DataType`/`StringValue`). */
type PublishedAttributes = Record<string, { DataType: string; StringValue?: string }>;

/**
 * The event Lambda receives from an SNS subscription, one record per message: the shape of AWS's sample
 * (`lambda-sns-event.json` of the Lambda developer guide), with the topic of this stack.
 */
export function snsEvent(
  message: string,
  options: { subject?: string; attributes?: PublishedAttributes; topicArn?: string } = {},
): SNSEvent {
  const topicArn = options.topicArn ?? 'arn:aws:sns:us-east-1:111122223333:ecs-autopilot-dev-alerts';
  const attributes = Object.fromEntries(
    Object.entries(options.attributes ?? {}).map(([name, a]) => [
      name,
      { Type: a.DataType, Value: a.StringValue ?? '' },
    ]),
  );
  return {
    Records: [
      {
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: new Date().toISOString(),
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          MessageId: randomUUID(),
          Message: message,
          MessageAttributes: attributes,
          Type: 'Notification',
          UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:0`,
          TopicArn: topicArn,
          Subject: options.subject ?? '',
        },
      },
    ],
  };
}
