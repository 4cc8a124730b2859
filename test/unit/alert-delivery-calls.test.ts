import { createHash } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '#shared/notify/alert.js';
import { toChatbotNotification } from '#shared/notify/chatbot.js';
import { enqueueAlert } from '#shared/notify/outbox.js';
import { alertAttributes, publishAlert } from '#shared/notify/publish.js';

const sqs = new SQSClient({ region: 'us-east-1' });
const sns = new SNSClient({ region: 'us-east-1' });
const sqsMock = mockClient(sqs);
const snsMock = mockClient(sns);
const OUTBOX = 'https://sqs.us-east-1.amazonaws.com/111122223333/ecs-autopilot-dev-alerts.fifo';
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:ecs-autopilot-dev-alerts';

const alert: Alert = {
  incidentId: 'ecs-task/prod/web/task1',
  dedupKey: 'ecs-task/prod/web/task1#2',
  severity: 'critical',
  kind: 'task-stopped/out-of-memory',
  title: `prod/web: ${'t'.repeat(120)}`,
  description: 'd'.repeat(13_000),
  nextSteps: [],
  keywords: [],
  cluster: 'prod',
  service: 'web',
  region: 'us-east-1',
  account: '111122223333',
  links: [],
  relatedResources: [],
  dryRun: false,
  occurredAt: '2026-11-24T12:00:00.000Z',
};

beforeEach(() => {
  sqsMock.reset();
  snsMock.reset();
});

describe('Alert delivery: the calls that carry an alert', () => {
  it('queues a bounded alert in its service-and-place group, de-duplicated by its delivery key where it happened', async () => {
    // Prepare
    sqsMock.on(SendMessageCommand).resolves({});

    // Act
    await enqueueAlert(sqs, OUTBOX, alert);

    // Assess
    const input = sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      QueueUrl: OUTBOX,
      MessageGroupId: '111122223333/us-east-1/prod/web',
      MessageDeduplicationId: createHash('sha256')
        .update('111122223333/us-east-1/ecs-task/prod/web/task1#2')
        .digest('hex'),
    });
    const body = JSON.parse(input?.MessageBody ?? '{}') as Alert;
    expect(body.description.length).toBeLessThanOrEqual(12_000);
    expect(body.incidentId).toBe(alert.incidentId);
  });

  it('publishes the chat notification with a subject SNS takes and the attributes subscribers filter on', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });

    // Act
    const id = await publishAlert(sns, TOPIC, alert);

    // Assess
    expect(id).toBe('m-1');
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      TopicArn: TOPIC,
      Subject: alert.title.slice(0, 99),
      Message: JSON.stringify(toChatbotNotification(alert)),
      MessageAttributes: alertAttributes(alert),
    });
  });

  it('sends every filter attribute as a string, and an empty one as none', () => {
    // Act
    const attributes = alertAttributes({ ...alert, cluster: '', service: 'web' });

    // Assess
    expect(attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      kind: { DataType: 'String', StringValue: 'task-stopped/out-of-memory' },
      cluster: { DataType: 'String', StringValue: 'none' },
      service: { DataType: 'String', StringValue: 'web' },
      account: { DataType: 'String', StringValue: '111122223333' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
    });
  });
});
