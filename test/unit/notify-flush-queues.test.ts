import { createHash } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { enqueueGroupMessage, GROUP_MESSAGE_ATTRIBUTE, requestFlush } from '#shared/notify/grouping/queues.js';
import { taskStopAlert } from '#test/support/alerts.js';

const sqs = new SQSClient({ region: 'us-east-1' });
const sqsMock = mockClient(sqs);
const FLUSH = 'https://sqs.us-east-1.amazonaws.com/111122223333/ecs-autopilot-dev-alert-flush';
const OUTBOX = 'https://sqs.us-east-1.amazonaws.com/111122223333/ecs-autopilot-dev-alerts.fifo';
const now = new Date('2026-11-26T12:00:00.000Z');

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({});
});

describe('Function: requestFlush', () => {
  it('holds the request back until it is due, rounded up to the second, at most the 15 minutes SQS allows', async () => {
    // Prepare
    const dueAt = [
      '2026-11-26T12:00:30.000Z',
      '2026-11-26T12:00:30.001Z',
      '2026-11-26T12:15:00.000Z',
      '2026-11-26T13:00:00.000Z',
    ];

    // Act
    for (const flushAt of dueAt) await requestFlush(sqs, FLUSH, { groupKey: 'prod/web/k', flushAt }, now);

    // Assess
    const delays = sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input.DelaySeconds);
    expect(delays).toEqual([30, 31, 900, 900]);
  });

  it('sends a request already due at once, with the request as its body', async () => {
    // Prepare
    const request = {
      groupKey: 'prod/web/task-stopped',
      place: { account: '111122223333', region: 'us-east-1' },
      flushAt: '2026-11-26T11:59:00.000Z',
    };

    // Act
    await requestFlush(sqs, FLUSH, request, now);

    // Assess
    expect(sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: FLUSH,
      MessageBody: JSON.stringify(request),
      DelaySeconds: 0,
    });
  });
});

describe('Function: enqueueGroupMessage', () => {
  it("queues a group's message in its service's outbox group, marked as a group message, de-duplicated by its number", async () => {
    // Prepare
    const message = taskStopAlert({ incidentId: 'group/prod/web/1', dedupKey: 'group/prod/web/1#2' });

    // Act
    await enqueueGroupMessage(sqs, OUTBOX, message);

    // Assess
    expect(sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: OUTBOX,
      MessageBody: JSON.stringify(message),
      MessageGroupId: `${message.account}/${message.region}/prod/web`,
      MessageDeduplicationId: createHash('sha256')
        .update(`${message.account}/${message.region}/group/prod/web/1#2`)
        .digest('hex'),
      MessageAttributes: { [GROUP_MESSAGE_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' } },
    });
    expect(GROUP_MESSAGE_ATTRIBUTE).toBe('ecs-autopilot-group-message');
  });
});
