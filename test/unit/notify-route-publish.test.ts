import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { groupingDefaults } from '#shared/config/notifications.js';
import type { Alert } from '#shared/notify/alert.js';
import { GROUP_MESSAGE_ATTRIBUTE } from '#shared/notify/grouping/queues.js';
import { outboxRouter } from '#shared/notify/grouping/route.js';
import type { StateStore } from '#shared/state/index.js';
import { taskStopAlert } from '#test/support/alerts.js';

/** An outbox record of `body`, marked as a group's own message when asked. */
function record(messageId: string, body: string, groupMessage = false): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {} as SQSRecord['attributes'],
    messageAttributes: groupMessage
      ? { [GROUP_MESSAGE_ATTRIBUTE]: { stringValue: 'true', dataType: 'String' } }
      : { other: { stringValue: 'true', dataType: 'String' } },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:ecs-autopilot-dev-alerts.fifo',
    awsRegion: 'us-east-1',
  };
}

/** Grouping switched on, with a store and a queue that fail the test if anything is counted into a group. */
const groupingOn = {
  store: new Proxy({}, { get: () => () => Promise.reject(new Error('no group was expected')) }) as StateStore,
  sqs: {} as SQSClient,
  flushQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/flush',
  options: groupingDefaults,
};

function routerWith(grouping?: typeof groupingOn) {
  const published: [string, Alert][] = [];
  const publish = vi.fn(async (r: SQSRecord, alert: Alert) => {
    published.push([r.messageId, alert]);
  });
  const metrics = { addMetric: vi.fn() };
  const router = outboxRouter({ publish, logger: { info: vi.fn() }, metrics, ...(grouping ? { grouping } : {}) });
  return { router, published, metrics };
}

describe('Function: outboxRouter, publishing', () => {
  it.each([
    ['absent', undefined],
    ['switched off', { ...groupingOn, options: { ...groupingDefaults, enabled: false } }],
  ])('publishes every alert as it comes when grouping is %s, counting each', async (_, grouping) => {
    // Prepare
    const { router, published, metrics } = routerWith(grouping);
    const records = [record('m1', JSON.stringify(taskStopAlert())), record('m2', JSON.stringify(taskStopAlert()))];

    // Act
    const batch = await router.startBatch(records);
    for (const r of records) await batch.deliver(r);

    // Assess
    expect(published).toEqual([
      ['m1', taskStopAlert()],
      ['m2', taskStopAlert()],
    ]);
    expect(metrics.addMetric.mock.calls).toEqual([
      ['AlertsSent', 'Count', 1],
      ['AlertsSent', 'Count', 1],
    ]);
  });

  it("publishes a group's own message as it is, grouping on, and counts nothing into a group", async () => {
    // Prepare
    const { router, published } = routerWith(groupingOn);
    const message = taskStopAlert({ incidentId: 'group/prod/web/1', dedupKey: 'group/prod/web/1#1' });
    const r = record('g1', JSON.stringify(message), true);

    // Act
    const batch = await router.startBatch([r]);
    await batch.deliver(r);

    // Assess
    expect(published).toEqual([['g1', message]]);
  });

  it('fails a record that is not an alert on its own, grouping on or off, publishing nothing', async () => {
    // Prepare
    const outcomes: unknown[] = [];
    const bad = [record('b1', 'not json'), record('b2', JSON.stringify({ title: 'half an alert' }))];

    // Act
    for (const grouping of [undefined, groupingOn]) {
      const { router, published } = routerWith(grouping);
      const batch = await router.startBatch(bad);
      for (const r of bad)
        outcomes.push(
          await batch.deliver(r).then(
            () => 'delivered',
            () => 'failed',
          ),
        );
      outcomes.push(published.length);
    }

    // Assess
    expect(outcomes).toEqual(['failed', 'failed', 0, 'failed', 'failed', 0]);
  });

  it('counts an alert into its group, grouping on: its record fails with the group write, and nothing is published', async () => {
    // Prepare
    const { router, published } = routerWith(groupingOn);
    const plain = {
      ...record('a1', JSON.stringify(taskStopAlert())),
      messageAttributes: undefined,
    } as never as SQSRecord;
    const marked = record('a2', JSON.stringify(taskStopAlert({ incidentId: 'other' })));

    // Act
    const batch = await router.startBatch([plain, marked]);
    const outcomes = await Promise.all([plain, marked].map((r) => batch.deliver(r).catch((e: Error) => e.message)));

    // Assess
    expect(outcomes).toEqual(['no group was expected', 'no group was expected']);
    expect(published).toEqual([]);
  });

  it('publishes without counting when no metrics are given', async () => {
    // Prepare
    const publish = vi.fn(async () => undefined);
    const router = outboxRouter({ publish, logger: { info: vi.fn() } });
    const r = record('m1', JSON.stringify(taskStopAlert()));

    // Act
    await (await router.startBatch([r])).deliver(r);

    // Assess
    expect(publish).toHaveBeenCalledTimes(1);
  });
});
