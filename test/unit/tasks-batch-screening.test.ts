import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/load.js';
import type { TaskDetail } from '#shared/events/task-state-change.js';
import { createObservationCache } from '#shared/services/observation-cache.js';
import { incidentWindowStart, reactToTaskStopBatch } from '#shared/tasks/batch-react.js';
import type { TaskBatchDeps, TaskStopMessage } from '#shared/tasks/batch-types.js';
import { reactToTaskStopsByPlace } from '#shared/tasks/by-place.js';
import { createHandledTaskVersions } from '#shared/tasks/handled-versions.js';
import { reactToQueuedTaskStops } from '#shared/tasks/queued-batch.js';
import { ACCOUNT, config, REGION, taskDetail, taskEvent } from '#test/support/builders.js';
import { keptLogger } from '#test/support/tasks-ledger.js';

const NOW = new Date('2026-11-24T12:00:10.000Z');
/** A client no call may reach: every batch here is decided from its events alone. */
const noCall = { send: () => Promise.reject(new Error('no AWS call expected')) } as never;

function depsOf(overrides: Partial<TaskBatchDeps> = {}) {
  const kept = keptLogger();
  const deps: TaskBatchDeps = {
    config: config(),
    clients: { ecs: noCall, elbv2: noCall, sqs: noCall },
    outboxUrl: 'http://127.0.0.1/outbox',
    cache: createObservationCache(),
    seen: createHandledTaskVersions(),
    logger: kept.logger,
    now: () => NOW,
    ...overrides,
  };
  return { deps, lines: kept.lines };
}

function message(id: string, detail: Partial<TaskDetail>, time = '2026-11-24T12:00:00Z'): TaskStopMessage {
  const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/${id}`;
  return { messageId: `m-${id}`, event: taskEvent(taskDetail({ taskArn: arn, ...detail }), time) };
}

describe('Task batch: stops that need no reaction', () => {
  it('acknowledges them without an AWS call, each with why, and remembers only the routine stop as handled', async () => {
    // Prepare
    const { deps, lines } = depsOf();
    const messages = [
      message('standalone', { group: 'family:web' }),
      message('running', { desiredStatus: 'RUNNING' }),
      message('stale', {}, '2026-11-24T11:50:00Z'),
      message('scaled', {
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Scaling activity initiated by me',
        version: 7,
      }),
    ];

    // Act
    const reaction = await reactToTaskStopBatch(messages, deps);

    // Assess
    expect(reaction.failures).toEqual([]);
    expect(reaction.services).toEqual([]);
    expect(reaction.ignored).toEqual([
      { messageId: 'm-standalone', why: 'standalone task (group "family:web"), not part of a service' },
      { messageId: 'm-running', why: 'the task is not stopping (desired RUNNING)' },
      {
        messageId: 'm-stale',
        why: 'stale: the event is 610 s old (limit 300 s); the reconciler converges instead',
      },
      { messageId: 'm-scaled', why: 'routine stop (scale-in)' },
    ]);
    expect([...deps.seen.keys()]).toEqual([messages[3]?.event.detail.taskArn]);
    expect(deps.seen.get(messages[3]?.event.detail.taskArn ?? '')).toBe(7);
    expect(lines.filter((l) => l.level === 'debug').map((l) => [l.message, l.extra])).toContainEqual([
      'ignored: routine stop (scale-in)',
      { messageId: 'm-scaled' },
    ]);
  });

  it('drops an event of a version this container has handled, as a duplicate or out of order', async () => {
    // Prepare
    const { deps } = depsOf();
    const same = message('t1', { version: 5 });
    const older = message('t2', { version: 4 });
    deps.seen.set(same.event.detail.taskArn, 5);
    deps.seen.set(older.event.detail.taskArn, 5);

    // Act
    const reaction = await reactToTaskStopBatch([same, older], deps);

    // Assess
    expect(reaction.ignored.map((i) => i.why)).toEqual([
      'a duplicate: version 5, already handled 5',
      'out of order: version 4, already handled 5',
    ]);
  });

  it('goes on with a failed stop, and with a routine one when the policy alerts routine stops', async () => {
    // Prepare: ECS cannot be reached, so each stop that goes on to its service is returned for a retry
    const alerting = config({ taskFailures: { deregisterTargets: true, alertRoutineStops: true } });
    const failed = depsOf();
    const routine = depsOf({ config: alerting });
    const scaled = { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by me' };

    // Act
    const onFailure = await reactToTaskStopBatch([message('t1', {})], failed.deps);
    const onRoutine = await reactToTaskStopBatch([message('t2', scaled)], routine.deps);

    // Assess
    for (const reaction of [onFailure, onRoutine]) {
      expect(reaction.ignored).toEqual([]);
      expect(reaction.failures.map((f) => f.why)).toEqual(['the service could not be described: no AWS call expected']);
    }
    expect(failed.deps.seen.size).toBe(0);
  });

  it('starts each incident window on a multiple of its length', () => {
    // Assess
    expect(incidentWindowStart(new Date('2026-11-24T12:04:59.999Z'))).toBe('2026-11-24T12:00:00.000Z');
    expect(incidentWindowStart(new Date('2026-11-24T12:05:00.000Z'))).toBe('2026-11-24T12:05:00.000Z');
    expect(incidentWindowStart(new Date('2026-11-24T12:01:30.000Z'), 60)).toBe('2026-11-24T12:01:00.000Z');
  });
});

describe('Task batch: from the queue', () => {
  it('returns an unreadable message alone for a retry, logged once with why, and acknowledges the rest', async () => {
    // Prepare
    const { deps, lines } = depsOf();
    const stale = message('stale', {}, '2026-11-24T11:50:00Z');
    const attributes = { ApproximateReceiveCount: '1' } as SQSRecord['attributes'];
    const records = [
      { messageId: 'garbled', body: '{"detail-type": ', attributes },
      { messageId: 'fine', body: JSON.stringify(stale.event), attributes },
    ];

    // Act
    const result = await reactToQueuedTaskStops(records, deps);

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'garbled' }]);
    expect(result.reaction.ignored.map((i) => i.messageId)).toEqual(['fine']);
    expect(result.audit).toEqual([]);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^returned to the queue for a retry: /);
    expect(errors[0]?.extra).toMatchObject({ messageId: 'garbled' });
  });
});

describe('Task batch: by account and region', () => {
  const home = { account: ACCOUNT, region: REGION };
  const member = { account: '222222222222', region: 'eu-west-1' };
  const placed = parseConfig({
    version: 1,
    accounts: [{ id: member.account, regions: [member.region] }],
    clusters: [
      { name: 'prod', services: [{ name: 'web' }] },
      { name: 'prod', account: member.account, services: [{ name: 'web' }] },
    ],
  });

  function at(place: { account: string; region: string }, id: string, detail: Partial<TaskDetail> = {}) {
    const m = message(id, {
      taskArn: `arn:aws:ecs:${place.region}:${place.account}:task/prod/${id}`,
      clusterArn: `arn:aws:ecs:${place.region}:${place.account}:cluster/prod`,
      ...detail,
    });
    return { ...m, event: { ...m.event, account: place.account, region: place.region, id: `event-${id}` } };
  }

  it('acknowledges the events of a place the config does not list, saying which places it acts in', async () => {
    // Prepare
    const { deps } = depsOf({ config: placed });
    const stranger = at({ account: '999999999999', region: REGION }, 't1');

    // Act
    const reaction = await reactToTaskStopsByPlace([stranger], {
      ...deps,
      home,
      clientsAt: () => ({ ecs: noCall, elbv2: noCall }),
    });

    // Assess
    expect(reaction.ignored).toEqual([
      {
        messageId: 'm-t1',
        why: `the event's account 999999999999 in ${REGION} is not ours (the config acts in ${ACCOUNT}/${REGION}, 222222222222/eu-west-1): another deployment acts on it`,
      },
    ]);
    expect(reaction.failures).toEqual([]);
  });

  it('acts in a member place through its role, in a session named for its first event, and screens by its config', async () => {
    // Prepare
    const { deps } = depsOf({ config: placed });
    const asked: unknown[] = [];
    const clientsAt = (reach: unknown, session: string) => {
      asked.push([reach, session]);
      return { ecs: noCall, elbv2: noCall };
    };
    const running = at(member, 't1', { desiredStatus: 'RUNNING' });

    // Act
    const reaction = await reactToTaskStopsByPlace([running], { ...deps, home, clientsAt });

    // Assess
    expect(asked).toEqual([
      [{ ...member, role: { arn: 'arn:aws:iam::222222222222:role/ecs-autopilot-member' } }, 'task-stop-event-t1'],
    ]);
    expect(reaction.ignored.map((i) => i.why)).toEqual(['the task is not stopping (desired RUNNING)']);
  });

  it('returns only the messages of a place it cannot act in, and handles the others', async () => {
    // Prepare
    const { deps, lines } = depsOf({ config: placed });
    const clientsAt = (reach: { account: string }) => {
      if (reach.account === member.account) throw new Error('AccessDenied on AssumeRole');
      return { ecs: noCall, elbv2: noCall };
    };
    const there = [at(member, 't1'), at(member, 't2')];
    const here = at(home, 't3', { desiredStatus: 'RUNNING' });

    // Act
    const reaction = await reactToTaskStopsByPlace([...there, here], { ...deps, home, clientsAt });

    // Assess
    const why = 'account 222222222222 in eu-west-1 could not be acted in: AccessDenied on AssumeRole';
    expect(reaction.failures).toEqual([
      { messageId: 'm-t1', why },
      { messageId: 'm-t2', why },
    ]);
    expect(reaction.ignored.map((i) => i.messageId)).toEqual(['m-t3']);
    expect(lines.filter((l) => l.level === 'error').map((l) => [l.message, l.extra])).toEqual([
      [why, expect.objectContaining({ account: member.account, region: member.region })],
    ]);
  });
});
