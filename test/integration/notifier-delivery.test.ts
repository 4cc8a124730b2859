import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { alertDelivery, MalformedAlertError } from '#shared/notify/deliver.js';
import { idempotencyRecords } from '#shared/state/idempotency.js';
import { ensureStateTable } from '#shared/state/index.js';
import { taskStopAlert } from '#test/support/alerts.js';
import { lambdaContext } from '../../cli/replay.js';

const endpoint = inject('motoEndpoint');
const TABLE = 'ecs-autopilot-test-published-alerts';
const dynamodb = new DynamoDBClient({ endpoint, region: 'us-east-1' });
const sns = new SNSClient({ endpoint, region: 'us-east-1' });

/** An outbox record carrying `body`. */
const record = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord;

/** The notifier's delivery against moto: a topic, the state table, and a logger that records what it says. */
async function delivery(rememberSeconds?: number) {
  await ensureStateTable(dynamodb, TABLE);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'ecs-autopilot-test-alerts' }));
  const info = vi.fn();
  const published = idempotencyRecords(dynamodb, TABLE, 'notifier#published-alerts');
  const deliver = alertDelivery({
    sns,
    topicArn: TopicArn as string,
    published,
    logger: { info } as unknown as Logger,
    ...(rememberSeconds === undefined ? {} : { rememberSeconds }),
  });
  deliver.startInvocation(lambdaContext('notifier'));
  return { deliver, info };
}

/** Seconds until the publication records of the table expire, from now (whole seconds: one more when rounded up). */
async function publicationLifetimes(): Promise<number[]> {
  const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: TABLE }));
  return Items.filter((item) => item.pk?.S === 'notifier#published-alerts').map(
    (item) => Number(item.expiresAt?.N) - Math.floor(Date.now() / 1000),
  );
}

describe('Function: alertDelivery', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it('publishes an alert, logs it with its SNS message id, and remembers the publication for an hour', async () => {
    // Prepare
    const { deliver, info } = await delivery();
    const alert = taskStopAlert();

    // Act
    await deliver.deliver(record('m-1', JSON.stringify(alert)));

    // Assess
    expect(info).toHaveBeenCalledWith(`alert delivered: ${alert.title}`, {
      incidentId: alert.incidentId,
      severity: 'critical',
      messageId: expect.stringMatching(/.+/),
    });
    const [lifetime] = await publicationLifetimes();
    expect(lifetime).toBeGreaterThan(3_600 - 60);
    expect(lifetime).toBeLessThanOrEqual(3_600 + 1);
  });

  it('remembers publications for as long as it is told', async () => {
    // Prepare
    const { deliver } = await delivery(600);

    // Act
    await deliver.deliver(record('m-1', JSON.stringify(taskStopAlert())));

    // Assess
    const [lifetime] = await publicationLifetimes();
    expect(lifetime).toBeGreaterThan(600 - 60);
    expect(lifetime).toBeLessThanOrEqual(600 + 1);
  });

  it('does not publish an alert again when its record comes again, and says so', async () => {
    // Prepare
    const { deliver, info } = await delivery();
    const body = JSON.stringify(taskStopAlert());
    await deliver.deliver(record('m-1', body));
    const firstId = info.mock.calls[0]?.[1]?.messageId;

    // Act
    await deliver.deliver(record('m-2', body));

    // Assess
    expect(info).toHaveBeenCalledWith('alert already published: not sent again', {
      idempotencyKey: expect.any(String),
      response: { messageId: firstId },
    });
    expect(info.mock.calls.at(-1)?.[1]?.messageId).toBe(firstId);
  });

  it('fails a record that is not an alert on its own, naming it, for the outbox DLQ', async () => {
    // Prepare
    const { deliver } = await delivery();

    // Act
    const errors = await Promise.all(
      ['{"title":"half an alert"}', 'not json'].map((body, i) =>
        deliver.deliver(record(`m-${i}`, body)).catch((e) => e),
      ),
    );

    // Assess
    for (const [i, error] of errors.entries()) {
      expect(error).toBeInstanceOf(MalformedAlertError);
      expect(error.name).toBe('MalformedAlertError');
      expect(error.message).toBe(`outbox message m-${i} is not an alert; it goes to the outbox DLQ`);
      expect(error.cause).toBeDefined();
    }
  });
});
