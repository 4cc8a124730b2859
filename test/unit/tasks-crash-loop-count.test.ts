import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { crashLoopDefaults } from '#shared/config/notifications.js';
import { classifyStop, type StopClassification } from '#shared/tasks/classify.js';
import { countServiceStops, type ServiceStops, stopsOfBatch } from '#shared/tasks/crash-loop/hook.js';
import { stopCounterFromEnv } from '#shared/tasks/crash-loop/wiring.js';
import { taskDetail, taskEvent } from '#test/support/builders.js';

const NOW = new Date('2026-11-24T12:03:00.000Z');
/** The half window NOW falls in with the default 600 s window: 12:00:00. */
const HALF = Date.parse('2026-11-24T12:00:00.000Z');
const failed: StopClassification = { kind: 'out-of-memory', severity: 'critical', routine: false, summary: 'oom' };
const scaleIn: StopClassification = { kind: 'scale-in', severity: 'info', routine: true, summary: 'scaled in' };
const spot: StopClassification = { kind: 'spot-interruption', severity: 'warning', routine: false, summary: 'spot' };

const arn = (n: number) => `arn:aws:ecs:us-east-1:111122223333:task/prod/task${n}`;

function report(stops: Array<[number, StopClassification]>, desiredCount = 6): ServiceStops {
  return {
    cluster: 'prod',
    service: 'web',
    region: 'us-east-1',
    account: '111122223333',
    desiredCount,
    dryRun: false,
    now: NOW,
    stops: stops.map(([n, classification]) => ({ taskArn: arn(n), classification })),
  };
}

/** The counter's record as plain data: each write's arguments, and the sets as they were before it. */
function counter(before: Record<string, string[]> = {}) {
  const writes: Array<{ key: unknown; members: Record<string, readonly string[]>; opts: unknown }> = [];
  const removals: Array<{ key: unknown; members: Record<string, readonly string[]> }> = [];
  return {
    writes,
    removals,
    addToSets: async (key: unknown, members: Record<string, readonly string[]>, opts: unknown) => {
      writes.push({ key, members, opts });
      return Object.fromEntries(Object.entries(before).map(([k, v]) => [k, new Set(v)]));
    },
    removeFromSets: async (key: unknown, members: Record<string, readonly string[]>) => {
      removals.push({ key, members });
    },
  };
}

describe('Crash-loop counter: what one invocation counts', () => {
  it('counts each failed stop once in this half window and the next, and drops the halves past the window', async () => {
    // Prepare
    const store = counter();

    // Act
    await countServiceStops(
      store,
      report([
        [1, failed],
        [1, failed],
        [2, failed],
      ]),
      crashLoopDefaults,
    );

    // Assess
    expect(store.writes).toEqual([
      {
        key: { pk: 'crash-loop/prod/web', sk: 'failed-stops' },
        members: {
          [`stops/${HALF}`]: [arn(1), arn(2)],
          [`stops/${HALF + 300_000}`]: [arn(1), arn(2)],
          'pending-alerts': [],
        },
        opts: { ttlSeconds: 1200, drop: [`stops/${HALF - 300_000}`, `stops/${HALF - 600_000}`] },
      },
    ]);
  });

  it('writes nothing for stops made on purpose or spot interruptions, nor when switched off', async () => {
    // Prepare
    const store = counter();

    // Act
    const onPurpose = await countServiceStops(
      store,
      report([
        [1, scaleIn],
        [2, spot],
      ]),
      crashLoopDefaults,
    );
    const off = await countServiceStops(store, report([[3, failed]]), { ...crashLoopDefaults, enabled: false });

    // Assess
    expect(onPurpose).toEqual([]);
    expect(off).toEqual([]);
    expect(store.writes).toEqual([]);
  });

  it('raises the alert when these stops reach the threshold, naming only the stops they added', async () => {
    // Prepare: desired 6 → threshold 3; two stops counted before, one of them reported again now
    const store = counter({ [`stops/${HALF}`]: [arn(1), arn(2)] });

    // Act
    const notices = await countServiceStops(
      store,
      report([
        [2, failed],
        [3, failed],
      ]),
      crashLoopDefaults,
    );

    // Assess
    expect(notices).toHaveLength(1);
    const alert = notices[0]?.alert;
    expect(alert?.title).toBe('prod/web: crash loop, 3 failed tasks in 10 min');
    expect(alert?.relatedResources).toEqual([arn(3)]);
    expect(alert?.occurredAt).toBe(NOW.toISOString());
  });

  it('raises nothing below the threshold, nor for stops every one of which was counted already', async () => {
    // Act
    const below = await countServiceStops(
      counter(),
      report([
        [1, failed],
        [2, failed],
      ]),
      crashLoopDefaults,
    );
    const again = await countServiceStops(
      counter({ [`stops/${HALF}`]: [arn(1), arn(2), arn(3)] }),
      report([[3, failed]]),
      crashLoopDefaults,
    );

    // Assess
    expect(below).toEqual([]);
    expect(again).toEqual([]);
  });

  it('counts a stop the next half window already holds as new in this one', async () => {
    // Prepare: only the next half knows stops 1 and 2 (primed by a later clock); this half's set is empty
    const store = counter({ [`stops/${HALF + 300_000}`]: [arn(1), arn(2)] });

    // Act
    const [notice] = await countServiceStops(
      store,
      report([
        [1, failed],
        [2, failed],
        [3, failed],
      ]),
      crashLoopDefaults,
    );

    // Assess: all three are this half's new stops, so the alert names all three
    expect(notice?.alert.relatedResources).toEqual([arn(1), arn(2), arn(3)]);
  });
});

describe('Crash-loop counter: an alert left waiting on it', () => {
  /** The alert the third failed stop raises, as a count returns it. */
  async function raised() {
    const [notice] = await countServiceStops(
      counter({ [`stops/${HALF}`]: [arn(1), arn(2)] }),
      report([[3, failed]]),
      crashLoopDefaults,
    );
    if (!notice) throw new Error('the third failed stop raises the alert');
    return notice;
  }

  it('leaves a new alert waiting, in one write, only when it could not be queued', async () => {
    // Prepare
    const store = counter({ [`stops/${HALF}`]: [arn(1), arn(2)] });
    const [notice] = await countServiceStops(store, report([[3, failed]]), crashLoopDefaults);

    // Act
    await notice?.queued();
    const afterQueued = store.writes.length;
    await notice?.unqueued();

    // Assess
    expect(afterQueued).toBe(1);
    expect(store.writes[1]).toEqual({
      key: { pk: 'crash-loop/prod/web', sk: 'failed-stops' },
      members: { 'pending-alerts': [JSON.stringify(notice?.alert)] },
      opts: { ttlSeconds: 1200 },
    });
    expect(store.removals).toEqual([]);
  });

  it('returns a waiting alert with the next count, taken off once queued; what is not an alert is taken off unsent', async () => {
    // Prepare: a stop already counted comes again (a redelivery)
    const waiting = JSON.stringify((await raised()).alert);
    const store = counter({
      [`stops/${HALF}`]: [arn(1), arn(2), arn(3)],
      'pending-alerts': [waiting, 'not json', '7'],
    });

    // Act
    const notices = await countServiceStops(store, report([[3, failed]]), crashLoopDefaults);
    const takenOffUnsent = store.removals.map((r) => r.members);
    await notices[0]?.unqueued();
    const afterUnqueued = store.writes.length;
    await notices[0]?.queued();

    // Assess
    expect(notices.map((n) => n.alert)).toEqual([JSON.parse(waiting)]);
    expect(takenOffUnsent).toEqual([{ 'pending-alerts': ['not json'] }, { 'pending-alerts': ['7'] }]);
    expect(afterUnqueued).toBe(1);
    expect(store.removals.at(-1)).toEqual({
      key: { pk: 'crash-loop/prod/web', sk: 'failed-stops' },
      members: { 'pending-alerts': [waiting] },
    });
  });
});

describe('Crash-loop counter: the stops of a batch', () => {
  it('takes the place from the first event and each stop’s evidence, leaving out what the event lacks', () => {
    // Prepare
    const full = taskDetail({ taskArn: arn(1) });
    const bare = taskDetail({
      taskArn: arn(2),
      stopCode: undefined,
      stoppedReason: undefined,
      taskDefinitionArn: undefined,
      startedBy: undefined,
    });
    const screened = [full, bare].map((detail) => ({
      message: { event: taskEvent(detail) },
      classification: classifyStop(detail),
    }));

    // Act
    const stops = stopsOfBatch(screened, { clusterName: 'prod', serviceName: 'web', desiredCount: 4 }, true, NOW);

    // Assess
    expect(stops).toEqual({
      cluster: 'prod',
      service: 'web',
      region: 'us-east-1',
      account: '111122223333',
      desiredCount: 4,
      dryRun: true,
      now: NOW,
      stops: [
        {
          taskArn: arn(1),
          classification: classifyStop(full),
          stopCode: full.stopCode,
          stoppedReason: full.stoppedReason,
          taskDefinitionArn: full.taskDefinitionArn,
          startedBy: full.startedBy,
        },
        { taskArn: arn(2), classification: classifyStop(bare) },
      ],
    });
  });

  it('is nothing for a batch without stops', () => {
    // Assess
    expect(stopsOfBatch([], { clusterName: 'prod', serviceName: 'web', desiredCount: 4 }, false, NOW)).toBeUndefined();
  });
});

describe('Crash-loop counter: as the stack wires it', () => {
  const dynamodb = new DynamoDBClient({ region: 'us-east-1' });
  const dynamodbMock = mockClient(dynamodb);

  beforeEach(() => {
    dynamodbMock.reset();
  });

  it('is off without a state table, with a blank one, or when crash loops are switched off', () => {
    // Assess
    expect(stopCounterFromEnv(dynamodb, crashLoopDefaults, {})).toBeUndefined();
    expect(stopCounterFromEnv(dynamodb, crashLoopDefaults, { STATE_TABLE_NAME: '  ' })).toBeUndefined();
    const off = { ...crashLoopDefaults, enabled: false };
    expect(stopCounterFromEnv(dynamodb, off, { STATE_TABLE_NAME: 'state' })).toBeUndefined();
  });

  it('counts in the named state table', async () => {
    // Prepare
    dynamodbMock.on(UpdateItemCommand).resolves({});
    const count = stopCounterFromEnv(dynamodb, crashLoopDefaults, { STATE_TABLE_NAME: ' autopilot-state ' });

    // Act
    const notices = await count?.(report([[1, failed]]));

    // Assess
    expect(notices).toEqual([]);
    const calls = dynamodbMock.commandCalls(UpdateItemCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.TableName).toBe('autopilot-state');
  });
});
