import { describe, expect, it } from 'vitest';
import type { ClaimRecord } from '#shared/state/index.js';
import { joinStormSweep, settleSweeps } from '#shared/tasks/service-sweep.js';
import { claimStopReports, STOP_REPORT_TTL_SECONDS } from '#shared/tasks/stop-reports.js';
import { type SweepResult, sweepKey } from '#shared/tasks/storm-sweep.js';
import { keptLogger, recordingLedger, screenedStop, sweepDepsAt } from '#test/support/tasks-ledger.js';

const NOW = new Date('2026-11-24T12:00:05.000Z');
const key = (service: string, at = NOW) => sweepKey('prod', service, at);
const id = (k: { pk: string; sk: string }) => `${k.pk}/${k.sk}`;

const depsOf = (ledger: ReturnType<typeof recordingLedger>['ledger'] | undefined) => sweepDepsAt(ledger, NOW);

describe('Storm sweep: who sweeps and who waits', () => {
  it('claims one sweep per service of a batch with two stops or more, in one write, and sweeps what it won', async () => {
    // Prepare: web's sweep is taken by another batch that has published its result, api's is free
    const record: ClaimRecord<SweepResult> = { key: key('web'), owner: 'other', data: { done: ['t1'] } };
    const { ledger, calls } = recordingLedger({ taken: new Map([[id(key('web')), record]]) });
    const { deps } = depsOf(ledger);

    // Act
    const settled = await settleSweeps([[screenedStop('t1')], [screenedStop('t2', { service: 'api' })]], deps);

    // Assess
    expect(calls.map((c) => c.method)).toEqual(['claimEach']);
    const [keys, opts] = (calls[0]?.args ?? []) as [unknown, { owner: string; ttlSeconds: number }];
    expect(keys).toEqual([key('web'), key('api')]);
    expect(opts.ttlSeconds).toBe(300);
    expect(settled.tickets).toEqual([
      { role: 'waiter', key: key('web'), record },
      { role: 'sweeper', key: key('api'), owner: opts.owner },
    ]);
    expect(settled.watch).toBeUndefined();
  });

  it('watches a taken sweep whose result is not published yet', async () => {
    // Prepare
    const unpublished: ClaimRecord<SweepResult> = { key: key('web'), owner: 'other', data: null };
    const { ledger } = recordingLedger({ taken: new Map([[id(key('web')), unpublished]]) });

    // Act
    const settled = await settleSweeps([[screenedStop('t1'), screenedStop('t2')]], depsOf(ledger).deps);

    // Assess
    expect(settled.tickets).toEqual([{ role: 'waiter', key: key('web') }]);
    expect(settled.watch).toBeDefined();
  });

  it('counts neither routine stops nor stops whose targets are left alone as a storm', async () => {
    // Prepare
    const { ledger, calls } = recordingLedger();
    const scaleIn = screenedStop('t2', { detail: { stopCode: 'ServiceSchedulerInitiated', stoppedReason: '' } });
    const keptTargets = screenedStop('t3', { policy: { deregisterTargets: false } });

    // Act
    const settled = await settleSweeps([[screenedStop('t1'), scaleIn, keptTargets]], depsOf(ledger).deps);

    // Assess: a lone stop claims nothing, it only reads whether a sweep is under way
    expect(calls.map((c) => c.method)).toEqual(['readClaims']);
    expect(calls[0]?.args[0]).toEqual([key('web')]);
    expect(settled.tickets).toEqual([{ role: 'alone' }]);
  });

  it('counts two events of one task as one stop', async () => {
    // Prepare
    const { ledger, calls } = recordingLedger();
    const stopping = screenedStop('t1', { detail: { lastStatus: 'STOPPING' } });

    // Act
    await settleSweeps([[stopping, screenedStop('t1')]], depsOf(ledger).deps);

    // Assess
    expect(calls.map((c) => c.method)).toEqual(['readClaims']);
  });

  it('joins a sweep under way with a lone stop, and waits for it when it has no result yet', async () => {
    // Prepare
    const published: ClaimRecord<SweepResult> = { key: key('web'), owner: 'other', data: { done: [] } };
    const claimed: ClaimRecord<SweepResult> = { key: key('api'), owner: 'other', data: null };
    const records = new Map<string, ClaimRecord<unknown>>([
      [id(key('web')), published],
      [id(key('api')), claimed],
    ]);
    const { ledger } = recordingLedger({ records });

    // Act
    const web = await settleSweeps([[screenedStop('t1')]], depsOf(ledger).deps);
    const api = await settleSweeps([[screenedStop('t2', { service: 'api' })]], depsOf(ledger).deps);

    // Assess
    expect(web.tickets).toEqual([{ role: 'waiter', key: key('web'), record: published }]);
    expect(web.watch).toBeUndefined();
    expect(api.tickets).toEqual([{ role: 'waiter', key: key('api') }]);
    expect(api.watch).toBeDefined();
  });

  it('reads the sweeps of a redelivered stop’s first delivery, that slot and the next, and keeps those that reported', async () => {
    // Prepare: first received 40 s before now
    const first = NOW.getTime() - 40_000;
    const reported: ClaimRecord<SweepResult> = {
      key: key('web', new Date(first)),
      owner: 'sweeper',
      data: { done: ['t1'], reported: ['t1'] },
    };
    const { ledger, calls } = recordingLedger({ records: new Map([[id(reported.key), reported]]) });
    const again = screenedStop('t1', { attempt: 2, firstReceivedAt: first });
    const firstTime = screenedStop('t2', { attempt: 1, firstReceivedAt: first, service: 'api' });

    // Act
    const settled = await settleSweeps([[again], [firstTime]], depsOf(ledger).deps);

    // Assess
    const read = calls.find((c) => c.method === 'readClaims')?.args[0];
    expect(read).toEqual([key('web', new Date(first)), key('web', new Date(first + 10_000))]);
    expect(settled.earlier).toEqual([[reported], []]);
  });

  it('lets every service work alone without a ledger, or when it cannot be reached', async () => {
    // Prepare
    const { ledger } = recordingLedger({ fail: new Error('throttled') });
    const down = depsOf(ledger);

    // Act
    const without = await settleSweeps([[screenedStop('t1'), screenedStop('t2')]], depsOf(undefined).deps);
    const failing = await settleSweeps([[screenedStop('t1'), screenedStop('t2')]], down.deps);

    // Assess
    expect(without).toEqual({ tickets: [{ role: 'alone' }], earlier: [[]] });
    expect(failing).toEqual({ tickets: [{ role: 'alone' }], earlier: [[]] });
    expect(down.lines.map((l) => l.level)).toEqual(['warn']);
  });
});

describe('Storm sweep: a waiter’s share', () => {
  it('keeps only the stops the sweep did not handle, says so, and queues the sweep’s pending alert', async () => {
    // Prepare
    const alert = { title: 'prod/web: 2 tasks stopped' } as never;
    const record: ClaimRecord<SweepResult> = {
      key: key('web'),
      owner: 'sweeper',
      version: 3,
      expiresAt: 1_800_000_000,
      data: { done: ['t1', 't2'], reported: ['t1', 't2'], alert, queued: false },
    };
    const { ledger, calls } = recordingLedger();
    const share = { notes: [] as string[] };
    const stops = [screenedStop('t1'), screenedStop('t2'), screenedStop('t3')];

    // Act
    const joined = await joinStormSweep(
      stops,
      { role: 'waiter', key: key('web'), record },
      undefined,
      [],
      depsOf(ledger).deps,
      share,
    );
    await joined.adopted[0]?.confirm();

    // Assess
    expect(joined.stops.map((s) => s.message.messageId)).toEqual(['m-t3']);
    expect(share.notes).toEqual(['2 stop(s) handled by the storm sweep of another batch']);
    expect(joined.adopted.map((a) => a.alert)).toEqual([alert]);
    expect(calls).toEqual([
      {
        method: 'replace',
        args: [
          { key: key('web'), version: 3, data: record.data, expiresAt: 1_800_000_000 },
          { ...record.data, queued: true },
        ],
      },
    ]);
    expect(await joined.publish(joined.stops)).toBeUndefined();
  });

  it('does its own stops when no result came in time, and adopts no alert already queued', async () => {
    // Prepare
    const queued: ClaimRecord<SweepResult> = {
      key: key('web'),
      owner: 'sweeper',
      data: { done: ['t9'], reported: ['t9'], alert: {} as never, queued: true },
    };
    const { ledger } = recordingLedger();
    const share = { notes: [] as string[] };
    const stops = [screenedStop('t1')];
    const watch = { result: async () => undefined };

    // Act
    const late = await joinStormSweep(
      stops,
      { role: 'waiter', key: key('web') },
      watch,
      [queued],
      depsOf(ledger).deps,
      share,
    );

    // Assess
    expect(late.stops).toEqual(stops);
    expect(late.adopted).toEqual([]);
    expect([...late.reportedElsewhere]).toEqual(['t9']);
    expect(share.notes).toEqual([]);
  });
});

describe('Stop reports: which alert counts each stop', () => {
  const stops = [
    { taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/t1', reporter: 'message/a', alsoOurs: ['message/a'] },
    { taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/t2', reporter: 'message/a', alsoOurs: ['message/b'] },
    { taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/t3', reporter: 'sweep/x', alsoOurs: [] },
  ];

  it('claims each stop by task id in the service’s record and reports those it or its messages hold', async () => {
    // Prepare: t1 is ours, t2 held by an earlier delivery of our message b, t3 by another batch
    const holders = new Map([
      ['t1', 'message/a'],
      ['t2', 'message/b'],
      ['t3', 'message/other'],
    ]);
    const { ledger, calls } = recordingLedger({ holders });

    // Act
    const ours = await claimStopReports(
      ledger,
      { clusterName: 'prod', serviceName: 'web' },
      stops,
      keptLogger().logger,
    );

    // Assess
    expect([...(ours?.ours ?? [])]).toEqual([stops[0]?.taskArn, stops[1]?.taskArn]);
    expect(calls).toEqual([
      {
        method: 'claimMembers',
        args: [
          { pk: 'service/prod/web', sk: 'stop-reports' },
          [
            { member: 't1', owner: 'message/a' },
            { member: 't2', owner: 'message/a' },
            { member: 't3', owner: 'sweep/x' },
          ],
          { ttlSeconds: STOP_REPORT_TTL_SECONDS },
        ],
      },
    ]);
    expect(STOP_REPORT_TTL_SECONDS).toBe(3600);
  });

  it('frees the lone group’s lease in the same write when given one', async () => {
    // Prepare
    const { ledger, calls } = recordingLedger({ holders: new Map([['t3', 'sweep/x']]) });
    const lease = { release: async () => undefined };

    // Act
    const ours = await claimStopReports(
      ledger,
      { clusterName: 'prod', serviceName: 'web' },
      stops,
      keptLogger().logger,
      { lease },
    );

    // Assess
    expect([...(ours?.ours ?? [])]).toEqual([stops[2]?.taskArn]);
    expect(calls.map((c) => c.method)).toEqual(['claimMembersFreeing']);
    expect(calls[0]?.args[3]).toBe(lease);
  });

  it('answers nothing, with a warning, when the claims cannot be made', async () => {
    // Prepare
    const { ledger } = recordingLedger({ fail: new Error('unreachable') });
    const kept = keptLogger();

    // Act
    const ours = await claimStopReports(ledger, { clusterName: 'prod', serviceName: 'web' }, stops, kept.logger);

    // Assess
    expect(ours).toBeUndefined();
    expect(kept.lines.map((l) => [l.level, l.message])).toEqual([['warn', 'the stops’ reports could not be claimed']]);
  });
});
