import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '#shared/notify/alert.js';
import { leaveWaiting, MOST_WAITING, readWaitingAlerts, waitingAlertsKey } from '#shared/reconciler/waiting-alerts.js';
import { ensureStateTable, StateStore } from '#shared/state/index.js';
import { taskStopAlert } from '#test/support/alerts.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

// Through our proxy, which hands DynamoDB one call at a time: moto alone lets two racing conditional writes both win.
const proxy = await useMotoProxy();
const TABLE = 'ecs-autopilot-test-waiting-alerts';
const client = new DynamoDBClient({ endpoint: proxy.endpoint, region: 'us-east-1' });
const store = new StateStore({ client, tableName: TABLE });
const key = waitingAlertsKey({ account: '123456789012', region: 'us-east-1' });
const quiet = { warn: () => undefined };

/** The n-th sweep's alert. */
const sweepAlert = (n: number): Alert => taskStopAlert({ incidentId: `reconciler/sweep-${n}`, title: `sweep ${n}` });
const waitingTitles = async () => (await readWaitingAlerts(store, key, quiet)).alerts.map((a) => a.title);

describe('Reconciler: the alerts sweeps leave waiting (on moto)', () => {
  beforeEach(async () => {
    await ensureStateTable(client, TABLE);
  });

  it('keeps every alert left by sweeps at the same moment, and only the newest 20', async () => {
    // Act
    await Promise.all([1, 2, 3, 4, 5].map((n) => leaveWaiting(store, key, sweepAlert(n))));
    const together = await waitingTitles();
    for (let n = 6; n <= MOST_WAITING + 2; n++) await leaveWaiting(store, key, sweepAlert(n));

    // Assess
    expect([...together].sort()).toEqual(['sweep 1', 'sweep 2', 'sweep 3', 'sweep 4', 'sweep 5']);
    const kept = await waitingTitles();
    expect(kept).toHaveLength(MOST_WAITING);
    expect(kept.at(-1)).toBe(`sweep ${MOST_WAITING + 2}`);
    // the two left first went past the 20
    expect(kept.slice(0, 3)).toEqual([together[2], together[3], together[4]]);
  });

  it('takes them off once queued, unless another sweep left one in between', async () => {
    // Prepare
    await leaveWaiting(store, key, sweepAlert(1));
    const first = await readWaitingAlerts(store, key, quiet);
    await leaveWaiting(store, key, sweepAlert(2));

    // Act: the first reader queued what it read; the second, what it read after
    await first.queued();
    const afterRival = await waitingTitles();
    await (await readWaitingAlerts(store, key, quiet)).queued();

    // Assess
    expect(first.alerts.map((a) => a.title)).toEqual(['sweep 1']);
    expect(afterRival).toEqual(['sweep 1', 'sweep 2']);
    expect(await waitingTitles()).toEqual([]);
  });

  it('reads as nothing waiting when the record cannot be read, so the sweep still queues its own', async () => {
    // Prepare
    await leaveWaiting(store, key, sweepAlert(1));
    proxy.throttle('dynamodb:GetItem', 3);
    const warnings: string[] = [];

    // Act
    const waiting = await readWaitingAlerts(store, key, { warn: (message: string) => void warnings.push(message) });
    await waiting.queued();

    // Assess: nothing taken off either
    expect(waiting.alerts).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(await waitingTitles()).toEqual(['sweep 1']);
  });

  it('keeps what waits a day, and does not retry a write that failed for a reason other than another sweep', async () => {
    // Prepare
    const before = Math.floor(Date.now() / 1000);
    await leaveWaiting(store, key, sweepAlert(1));
    const from = proxy.calls().length;
    proxy.throttle('dynamodb:UpdateItem', 3);

    // Act
    const failure = await leaveWaiting(store, key, sweepAlert(2)).catch((error: unknown) => error);
    const reads = proxy
      .calls()
      .slice(from)
      .filter((c) => c.operation === 'GetItem').length;

    // Assess
    const stored = await store.get(key);
    expect(stored?.expiresAt).toBeGreaterThanOrEqual(before + 24 * 3600);
    expect(stored?.expiresAt).toBeLessThanOrEqual(before + 24 * 3600 + 60);
    expect(failure).toMatchObject({ name: 'ThrottlingException' });
    expect(reads).toBe(1);
    expect(await waitingTitles()).toEqual(['sweep 1']);
  });
});
