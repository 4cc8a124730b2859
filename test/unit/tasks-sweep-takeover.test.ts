import { describe, expect, it } from 'vitest';
import type { ClaimRecord } from '#shared/state/index.js';
import { settleSweeps } from '#shared/tasks/service-sweep.js';
import { claimStopReports } from '#shared/tasks/stop-reports.js';
import {
  SWEEPER_LIFETIME_SECONDS,
  type SweepResult,
  sweepAbandoned,
  sweepKey,
  sweepSlotStart,
} from '#shared/tasks/storm-sweep.js';
import { keptLogger, recordingLedger, screenedStop, sweepDepsAt } from '#test/support/tasks-ledger.js';

const NOW = new Date('2026-11-24T12:03:05.000Z');
/** When the redelivered stops were first received: a queue gives a message back after its visibility timeout. */
const FIRST = new Date(NOW.getTime() - 180_000);
const key = (service: string, at = NOW) => sweepKey('prod', service, at);
const id = (k: { pk: string; sk: string }) => `${k.pk}/${k.sk}`;
const secondsAgo = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();

const depsOf = (ledger: ReturnType<typeof recordingLedger>['ledger'] | undefined) => sweepDepsAt(ledger, NOW);

/** The first delivery's sweep of web, claimed `age` seconds ago, as a redelivery reads it. */
function firstSweep(age: number, data: SweepResult | null = null): ClaimRecord<SweepResult> {
  return { key: key('web', FIRST), owner: 'dead', data, version: 1, updatedAt: secondsAgo(age) };
}

const redelivered = (task: string) => screenedStop(task, { attempt: 2, firstReceivedAt: FIRST.getTime() });

describe('Storm sweep: an abandoned sweep', () => {
  it('is one claimed longer ago than a sweeper lives that published nothing', () => {
    // Assess
    const past = SWEEPER_LIFETIME_SECONDS + 1;
    expect(sweepAbandoned(firstSweep(past), NOW)).toBe(true);
    expect(sweepAbandoned(firstSweep(SWEEPER_LIFETIME_SECONDS), NOW)).toBe(false);
    expect(sweepAbandoned(firstSweep(past, { done: [] }), NOW)).toBe(false);
    expect(sweepAbandoned({ ...firstSweep(past), updatedAt: undefined }, NOW)).toBe(false);
    expect(sweepSlotStart(key('web', FIRST)).toISOString()).toBe('2026-11-24T12:00:00.000Z');
  });

  it('is taken over by a redelivered stop of its slot, which becomes its sweeper', async () => {
    // Prepare
    const abandoned = firstSweep(180);
    const { ledger, calls } = recordingLedger({ records: new Map([[id(abandoned.key), abandoned]]) });
    const { deps, lines } = depsOf(ledger);

    // Act
    const settled = await settleSweeps([[redelivered('t1')]], deps);

    // Assess
    const takeover = calls.find((c) => c.method === 'takeOverClaim');
    expect(takeover?.args[0]).toBe(abandoned);
    const owner = takeover?.args[1];
    expect(settled.tickets).toEqual([{ role: 'sweeper', key: abandoned.key, owner, takenOver: [abandoned.key] }]);
    expect(lines.map((l) => [l.level, l.message])).toContainEqual([
      'warn',
      `storm sweep sweep/${abandoned.key.pk}/${abandoned.key.sk} was abandoned; this batch reports its stops`,
    ]);
  });

  it('is added to the sweep a storm’s redelivery claims in its own slot', async () => {
    // Prepare
    const abandoned = firstSweep(180);
    const { ledger } = recordingLedger({ records: new Map([[id(abandoned.key), abandoned]]) });

    // Act
    const settled = await settleSweeps([[redelivered('t1'), redelivered('t2')]], depsOf(ledger).deps);

    // Assess
    expect(settled.tickets).toEqual([
      { role: 'sweeper', key: key('web'), owner: expect.any(String), takenOver: [abandoned.key] },
    ]);
  });

  it('is left alone while its sweeper may still live, once published, and when another redelivery took it first', async () => {
    // Prepare
    const young = firstSweep(SWEEPER_LIFETIME_SECONDS - 1);
    const published = firstSweep(180, { done: ['t1'] });
    const taken = firstSweep(180);
    const cases = [
      recordingLedger({ records: new Map([[id(young.key), young]]) }),
      recordingLedger({ records: new Map([[id(published.key), published]]) }),
      recordingLedger({ records: new Map([[id(taken.key), taken]]), takenOver: new Set([id(taken.key)]) }),
    ];

    // Act
    const settled = await Promise.all(
      cases.map(({ ledger }) => settleSweeps([[redelivered('t1')]], depsOf(ledger).deps)),
    );

    // Assess
    expect(settled.map((s) => s.tickets)).toEqual([[{ role: 'alone' }], [{ role: 'alone' }], [{ role: 'alone' }]]);
    expect(cases.map(({ calls }) => calls.filter((c) => c.method === 'takeOverClaim').length)).toEqual([0, 0, 1]);
  });

  it('is left to the next redelivery when the takeover fails', async () => {
    // Prepare
    const abandoned = firstSweep(180);
    const { ledger } = recordingLedger({ records: new Map([[id(abandoned.key), abandoned]]) });
    ledger.takeOverClaim = async () => {
      throw new Error('throttled');
    };
    const { deps, lines } = depsOf(ledger);

    // Act
    const settled = await settleSweeps([[redelivered('t1')]], deps);

    // Assess
    expect(settled.tickets).toEqual([{ role: 'alone' }]);
    expect(lines.map((l) => [l.level, l.message])).toContainEqual([
      'warn',
      'an abandoned storm sweep could not be taken over',
    ]);
  });
});

describe('Stop reports: the claims of a sweep taken over', () => {
  const arnOf = (task: string) => `arn:aws:ecs:us-east-1:111122223333:task/prod/${task}`;
  const dead = 'sweep/service/prod/web/storm-sweep/1';
  const service = { clusterName: 'prod', serviceName: 'web' };

  it('counts as its own every stop the taken-over sweep holds, asked or not, and reads the whole record', async () => {
    // Prepare
    const holders = new Map([
      ['t1', dead],
      ['t2', 'message/other'],
      ['t3', dead],
    ]);
    const { ledger, calls } = recordingLedger({ holders });
    const lease = { release: async () => undefined };
    const stops = ['t1', 't2'].map((t) => ({ taskArn: arnOf(t), reporter: 'sweep/new', alsoOurs: [] }));

    // Act
    const claims = await claimStopReports(ledger, service, stops, keptLogger().logger, { lease, takenOver: [dead] });

    // Assess
    expect(calls.map((c) => c.method)).toEqual(['claimMembers']);
    expect(claims?.ours).toEqual(new Set([arnOf('t1')]));
    expect(claims?.abandoned).toEqual(new Set(['t1', 't3']));
  });

  it('reads the record, claiming nothing, when it has no stop of its own to claim', async () => {
    // Prepare
    const parked = { alert: { dedupKey: 'k1' }, reported: ['t3'] };
    const { ledger, calls } = recordingLedger({
      holders: new Map([['t3', dead]]),
      notes: new Map([['alert/k1', JSON.stringify(parked)]]),
    });

    // Act
    const claims = await claimStopReports(ledger, service, [], keptLogger().logger, { takenOver: [dead] });

    // Assess
    expect(calls.map((c) => c.method)).toEqual(['readMembers']);
    expect(claims?.abandoned).toEqual(new Set(['t3']));
    expect(claims?.parked).toEqual([parked]);
  });
});
