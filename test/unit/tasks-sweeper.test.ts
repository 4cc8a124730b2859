import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { joinStormSweep } from '#shared/tasks/service-sweep.js';
import { sweepKey } from '#shared/tasks/storm-sweep.js';
import { config } from '#test/support/builders.js';
import { keptLogger, recordingLedger, screenedStop } from '#test/support/tasks-ledger.js';

const NOW = new Date('2026-11-24T12:00:05.000Z');
const ecs = new ECSClient({ region: 'us-east-1' });
const ecsMock = mockClient(ecs);
const KEY = sweepKey('prod', 'web', NOW);
const ticket = { role: 'sweeper' as const, key: KEY, owner: 'batch-1' };
const arn = (id: string) => `arn:aws:ecs:us-east-1:111122223333:task/prod/${id}`;

function depsOf(ledger: ReturnType<typeof recordingLedger>['ledger']) {
  const kept = keptLogger();
  return {
    deps: { sweepLedger: ledger, clients: { ecs } as never, config: config(), logger: kept.logger, now: () => NOW },
    lines: kept.lines,
  };
}

beforeEach(() => {
  ecsMock.reset();
});

describe('Storm sweep: the sweeper’s share', () => {
  it('takes the service’s other recent stops, reports in the sweep’s name, publishes, then confirms its alert', async () => {
    // Prepare: ECS knows t1 (the batch's own) and t9, stopped a minute ago
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [arn('t1'), arn('t9')] });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: ['t1', 't9'].map((id) => ({
        taskArn: arn(id),
        clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
        group: 'service:web',
        lastStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        stoppingAt: new Date(NOW.getTime() - 60_000),
        containers: [{ name: 'app', exitCode: 1 }],
      })),
    });
    const { ledger, calls } = recordingLedger();
    const alert = { title: 'prod/web: 2 tasks stopped' } as never;

    // Act
    const joined = await joinStormSweep([screenedStop('t1')], ticket, undefined, [], depsOf(ledger).deps, {
      notes: [],
    });
    const pending = await joined.publish(joined.stops, { alert, reported: ['t1', 't9'] });
    await pending?.confirm();

    // Assess
    expect(joined.stops.map((s) => s.message.messageId)).toEqual(['m-t1', `swept:${arn('t9')}`]);
    expect(joined.reporter).toBe(`sweep/${KEY.pk}/${KEY.sk}`);
    expect(pending?.alert).toBe(alert);
    const result = { done: ['t1', 't9'], alert, reported: ['t1', 't9'], queued: false };
    expect(calls).toEqual([
      { method: 'recordOnClaim', args: [KEY, 'batch-1', result] },
      { method: 'recordOnClaim', args: [KEY, 'batch-1', { ...result, queued: true }] },
    ]);
  });

  it('publishes what it handled without an alert, each stop once, and has nothing to confirm', async () => {
    // Prepare
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
    const { ledger, calls } = recordingLedger();
    const stops = [screenedStop('t1'), screenedStop('t2')];

    // Act
    const joined = await joinStormSweep(stops, ticket, undefined, [], depsOf(ledger).deps, { notes: [] });
    const pending = await joined.publish([...stops, stops[0] as (typeof stops)[number]]);

    // Assess
    expect(pending).toBeUndefined();
    expect(calls).toEqual([{ method: 'recordOnClaim', args: [KEY, 'batch-1', { done: ['t1', 't2'] }] }]);
  });

  it('gives up its sweep when ECS cannot list the stops, publishing an empty one so no one waits for it', async () => {
    // Prepare
    ecsMock.on(ListTasksCommand).rejects(new Error('ThrottlingException'));
    const { ledger, calls } = recordingLedger();
    const sweeper = depsOf(ledger);
    const stops = [screenedStop('t1')];

    // Act
    const joined = await joinStormSweep(stops, ticket, undefined, [], sweeper.deps, { notes: [] });

    // Assess
    expect(joined.stops).toEqual(stops);
    expect(joined.reporter).toBeUndefined();
    expect(calls).toEqual([{ method: 'recordOnClaim', args: [KEY, 'batch-1', { done: [] }] }]);
    expect(sweeper.lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'the storm sweep is unavailable; the batch handles its own stops'],
    ]);
  });

  it('sweeps nothing for a share whose stops leave their targets alone', async () => {
    // Prepare
    const { ledger, calls } = recordingLedger();
    const stops = [screenedStop('t1', { policy: { deregisterTargets: false } })];

    // Act
    const joined = await joinStormSweep(stops, ticket, undefined, [], depsOf(ledger).deps, { notes: [] });

    // Assess
    expect(joined.reporter).toBeUndefined();
    expect(await joined.publish(stops)).toBeUndefined();
    expect(calls).toEqual([]);
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it('reports nothing pending when its result cannot be published, and warns', async () => {
    // Prepare
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
    const { ledger } = recordingLedger({ fail: new Error('ProvisionedThroughputExceeded') });
    const sweeper = depsOf(ledger);
    const joined = await joinStormSweep([screenedStop('t1')], ticket, undefined, [], sweeper.deps, { notes: [] });

    // Act
    const pending = await joined.publish(joined.stops, { alert: {} as never, reported: ['t1'] });

    // Assess
    expect(pending).toBeUndefined();
    expect(sweeper.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'the storm sweep result could not be published',
    ]);
  });
});
