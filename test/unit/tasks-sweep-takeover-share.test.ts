import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { joinStormSweep, type SweepTicket } from '#shared/tasks/service-sweep.js';
import { sweepKey } from '#shared/tasks/storm-sweep.js';
import { describedStop, recordingLedger, screenedStop, sweepDepsAt } from '#test/support/tasks-ledger.js';

const NOW = new Date('2026-11-24T12:03:05.000Z');
/** When the redelivered stops were first received: a queue gives a message back after its visibility timeout. */
const FIRST = new Date(NOW.getTime() - 180_000);
const key = (service: string, at = NOW) => sweepKey('prod', service, at);

const depsOf = (ledger: ReturnType<typeof recordingLedger>['ledger'] | undefined) => sweepDepsAt(ledger, NOW);

const redelivered = (task: string) => screenedStop(task, { attempt: 2, firstReceivedAt: FIRST.getTime() });

describe('Storm sweep: the share of a batch that took a sweep over', () => {
  const ecs = new ECSClient({ region: 'us-east-1' });
  const ecsMock = mockClient(ecs);
  const dead = key('web', FIRST);
  const alert = { title: 'prod/web: 2 tasks stopped', dedupKey: 'k1' } as never;
  const joinAs = (ticket: SweepTicket, ledger: ReturnType<typeof recordingLedger>['ledger']) =>
    joinStormSweep(
      [redelivered('t1')],
      ticket,
      undefined,
      [],
      { ...depsOf(ledger).deps, clients: { ecs } as never },
      {
        notes: [],
      },
    );

  beforeEach(() => ecsMock.reset());

  it('publishes its result on its own sweep and on the one it took over, and reports under its own name', async () => {
    // Prepare
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
    const { ledger, calls } = recordingLedger();

    // Act
    const joined = await joinAs({ role: 'sweeper', key: key('web'), owner: 'me', takenOver: [dead] }, ledger);
    const pending = await joined.publish(joined.stops, { alert, reported: ['t1'] });

    // Assess
    expect(joined.reporter).toBe(`sweep/${key('web').pk}/${key('web').sk}`);
    expect(joined.takenOver).toEqual([`sweep/${dead.pk}/${dead.sk}`]);
    const result = { done: ['t1'], alert, reported: ['t1'], queued: false };
    expect(calls.map((c) => [c.method, ...c.args])).toEqual([
      ['recordOnClaim', key('web'), 'me', result],
      ['recordOnClaim', dead, 'me', result],
    ]);
    expect(pending?.alert).toBe(alert);
  });

  it('still publishes the sweep it took over when ECS cannot list the service’s stops', async () => {
    // Prepare
    ecsMock.on(ListTasksCommand).rejects(new Error('throttled'));
    const { ledger, calls } = recordingLedger();

    // Act
    const joined = await joinAs({ role: 'sweeper', key: dead, owner: 'me', takenOver: [dead] }, ledger);
    await joined.publish(joined.stops);

    // Assess
    expect(joined.stops.map((s) => s.message.messageId)).toEqual(['m-t1']);
    expect(joined.reporter).toBe(`sweep/${dead.pk}/${dead.sk}`);
    expect(joined.takenOver).toEqual([`sweep/${dead.pk}/${dead.sk}`]);
    expect(calls.map((c) => [c.method, ...c.args])).toEqual([['recordOnClaim', dead, 'me', { done: ['t1'] }]]);
  });

  it('keeps its alert beside the claims when its result cannot be published', async () => {
    // Prepare
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
    const { ledger, calls } = recordingLedger();
    ledger.recordOnClaim = async () => {
      throw new Error('throttled');
    };

    // Act
    const joined = await joinAs({ role: 'sweeper', key: key('web'), owner: 'me' }, ledger);
    const pending = await joined.publish(joined.stops, { alert, reported: ['t1'] });

    // Assess
    expect(pending).toBeUndefined();
    expect(calls.map((c) => [c.method, ...c.args])).toEqual([
      [
        'noteOn',
        { pk: 'service/prod/web', sk: 'stop-reports' },
        'alert/k1',
        JSON.stringify({ alert, reported: ['t1'] }),
        { ttlSeconds: 3600 },
      ],
    ]);
  });

  it('parks nothing when the result it could not publish had no alert, and says so when parking fails too', async () => {
    // Prepare
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
    const { ledger, calls } = recordingLedger();
    ledger.recordOnClaim = async () => {
      throw new Error('throttled');
    };
    const { deps, lines } = depsOf(ledger);
    const joined = await joinStormSweep(
      [redelivered('t1')],
      { role: 'sweeper', key: key('web'), owner: 'me' },
      undefined,
      [],
      { ...deps, clients: { ecs } as never },
      { notes: [] },
    );
    ledger.noteOn = async () => {
      throw new Error('throttled too');
    };

    // Act
    const withoutAlert = await joined.publish(joined.stops);
    const parkFailing = await joined.publish(joined.stops, { alert, reported: ['t1'] });

    // Assess
    expect([withoutAlert, parkFailing]).toEqual([undefined, undefined]);
    expect(calls.filter((c) => c.method === 'noteOn')).toEqual([]);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'the storm sweep alert could not be kept beside its claims either',
    ]);
  });

  it('lists, to report only, the older stops the earliest sweep it took over could have taken', async () => {
    // Prepare: it took over two sweeps, of slots 100 s and 200 s ago; the age limit is 300 s
    const at = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
    const stopped = (task: string, seconds: number) => describedStop(task, at(seconds));
    const tasks = [stopped('recent', 100), stopped('older', 450), stopped('oldest', 550)];
    ecsMock.on(ListTasksCommand).resolves({ taskArns: tasks.map((t) => t.taskArn) });
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: tasks as never });
    const { ledger } = recordingLedger();
    const takenOver = [key('web', at(100)), key('web', at(200))];

    // Act
    const joined = await joinAs({ role: 'sweeper', key: key('web'), owner: 'me', takenOver }, ledger);

    // Assess
    const swept = joined.stops
      .slice(1)
      .map((s) => [s.message.event.detail.taskArn.split('/').pop(), s.policy.deregisterTargets]);
    expect(swept).toEqual([
      ['recent', true],
      ['older', false],
    ]);
  });
});
