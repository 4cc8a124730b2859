import { describe, expect, it } from 'vitest';
import { TG_WEB, TG_WEB_CANARY } from '#test/support/builders.js';
import { alertsLostWhile } from '#test/support/lost-alerts.js';
import { arnOf, observed, outcome, record, report } from '#test/support/service-report.js';
import { recordingLedger } from '#test/support/tasks-ledger.js';

describe('Service stops: what is retried and what is reported', () => {
  it('returns a stop whose group’s work failed for a retry, and reports and publishes only the others', async () => {
    // Prepare
    const failing = observed('t1', TG_WEB);
    const done = observed('t22', TG_WEB_CANARY);
    const outcomes = [
      outcome(TG_WEB, [['t1', 'deregister']], [record(TG_WEB, 'failed', { name: 'Throttling', message: 'slow down' })]),
      outcome(TG_WEB_CANARY, [['t22', 'deregister']], [record(TG_WEB_CANARY, 'applied')]),
    ];

    // Act
    const { result, published, pending } = await report([failing, done], outcomes);

    // Assess
    expect(result.failures).toEqual([{ messageId: 'm-t1', why: 'Throttling: slow down' }]);
    expect(published).toEqual([{ handled: [arnOf('t22')], reported: ['t22'] }]);
    expect(result.alert?.severity).toBe('critical');
    expect(result.alert?.relatedResources[0]).toBe(arnOf('t22'));
    expect(result.alertInSweep).toBe(pending);
  });

  it('reports a failed stop on its last delivery, and a group that could not be handled at all with its error', async () => {
    // Prepare
    const last = observed('t1', TG_WEB, { attempt: 3 });
    const outcomes = [{ targetGroupArn: TG_WEB, audit: [], error: 'LeaseBusyError: held by another batch' }];

    // Act
    const { result, published } = await report([last], outcomes);

    // Assess
    expect(result.failures).toEqual([{ messageId: 'm-t1', why: 'LeaseBusyError: held by another batch' }]);
    expect(published).toEqual([{ handled: [], reported: ['t1'] }]);
    expect(result.alert?.description).toContain('FAILED in target group web-tg: LeaseBusyError: held by another batch');
  });

  it('says nothing of a late event that found nothing left to do, and frees the lease at once', async () => {
    // Prepare: STOPPED after it had started: ECS has already taken its targets out
    const late = observed('t1', TG_WEB, { detail: { lastStatus: 'STOPPED' } });
    const ledger = recordingLedger();

    // Act
    const { result, published, released } = await report([late], [outcome(TG_WEB, [['t1', 'gone']])], { ledger });

    // Assess
    expect(result.alert).toBeUndefined();
    expect(published).toEqual([{ handled: [arnOf('t1')], reported: undefined }]);
    expect(released).toEqual(['lease']);
    expect(ledger.calls).toEqual([]);
  });

  it('reports a late event when it removed targets, kept the last one, is a redelivery or could not name a target', async () => {
    // Prepare
    const late = (id: string, options: Parameters<typeof observed>[2] = {}) =>
      observed(id, TG_WEB, { ...options, detail: { lastStatus: 'STOPPING' } });
    const stops = [late('t1'), late('t22'), late('t333', { attempt: 2 }), late('t4444', { missing: ['no IP'] })];
    const stops2 = [late('t55555')];
    const outcomes = [
      outcome(
        TG_WEB,
        [
          ['t1', 'deregister'],
          ['t22', 'kept-last'],
          ['t333', 'gone'],
          ['t4444', 'gone'],
        ],
        [record(TG_WEB, 'applied')],
      ),
    ];

    // Act
    const { published } = await report(stops, outcomes);
    const notWritten = await report(stops2, [
      outcome(TG_WEB, [['t55555', 'deregister']], [record(TG_WEB, 'already-done')]),
    ]);

    // Assess
    expect(published).toEqual([
      { handled: stops.map((s) => s.message.event.detail.taskArn), reported: ['t1', 't22', 't333', 't4444'] },
    ]);
    expect(notWritten.result.alert).toBeUndefined();
  });

  it('reports a stop taken by the sweep only when the sweep acted on it or failed on it', async () => {
    // Prepare
    const swept = (id: string) => observed(id, TG_WEB, { messageId: `swept:${arnOf(id)}` });
    const stops = [swept('t1'), swept('t22'), swept('t333')];
    const outcomes = [
      outcome(
        TG_WEB,
        [
          ['t1', 'deregister'],
          ['t22', 'gone'],
          ['t333', 'kept-last'],
        ],
        [record(TG_WEB, 'dry-run')],
      ),
    ];

    // Act
    const { published } = await report(stops, outcomes, { sweep: { reporter: 'sweep/x' } });

    // Assess
    expect(published).toEqual([
      { handled: stops.map((s) => s.message.event.detail.taskArn), reported: ['t1', 't333'] },
    ]);
  });

  it('never reports a stop an earlier sweep’s alert counts', async () => {
    // Act
    const { result } = await report([observed('t1', TG_WEB)], [outcome(TG_WEB, [['t1', 'deregister']])], {
      sweep: { reportedElsewhere: new Set(['t1']) },
    });

    // Assess
    expect(result.alert).toBeUndefined();
  });
});

describe('Service stops: which batch counts a stop', () => {
  it('claims each stop for its messages, reports those it holds, and frees the lone group’s lease in that write', async () => {
    // Prepare: t22 is held by another batch's message
    const ledger = recordingLedger({
      holders: new Map([
        ['t1', 'message/m-t1'],
        ['t22', 'message/other'],
      ]),
    });
    const stops = [observed('t1', TG_WEB), observed('t22', TG_WEB)];

    // Act
    const { result, published, lease, released } = await report(stops, [outcome(TG_WEB, [])], { ledger });

    // Assess
    expect(ledger.calls.map((c) => c.method)).toEqual(['claimMembersFreeing']);
    expect(ledger.calls[0]?.args[1]).toEqual([
      { member: 't1', owner: 'message/m-t1' },
      { member: 't22', owner: 'message/m-t22' },
    ]);
    expect(ledger.calls[0]?.args[3]).toBe(lease);
    expect(released).toEqual([]);
    expect(published).toEqual([{ handled: stops.map((s) => s.message.event.detail.taskArn), reported: ['t1'] }]);
    expect(result.alert?.relatedResources[0]).toBe(arnOf('t1'));
  });

  it('claims the stops of a sweep in the sweep’s name', async () => {
    // Prepare
    const ledger = recordingLedger({ holders: new Map([['t1', 'sweep/x']]) });

    // Act
    await report([observed('t1', TG_WEB)], [outcome(TG_WEB, [])], { ledger, sweep: { reporter: 'sweep/x' } });

    // Assess
    expect(ledger.calls[0]?.args[1]).toEqual([{ member: 't1', owner: 'sweep/x' }]);
  });
});

describe('Service stops: the report of a batch that took an abandoned sweep over', () => {
  const dead = 'sweep/service/prod/web/storm-sweep/1';

  it('reports each stop the abandoned sweep holds, done before or not, and counts those it cannot find as lost', async () => {
    // Prepare: two swept stops with nothing left to do; the abandoned sweep holds one of them and one ECS forgot
    const held = observed('t1', TG_WEB, { messageId: `swept:${arnOf('t1')}` });
    const free = observed('t22', TG_WEB, { messageId: `swept:${arnOf('t22')}` });
    const ledger = recordingLedger({
      holders: new Map([
        ['t1', dead],
        ['t999', dead],
      ]),
    });
    const outcomes = [
      outcome(TG_WEB, [
        ['t1', 'gone'],
        ['t22', 'gone'],
      ]),
    ];

    // Act
    const { settled, lost } = await alertsLostWhile(() =>
      report([held, free], outcomes, { ledger, sweep: { reporter: 'sweep/new', takenOver: [dead] } }),
    );

    // Assess
    if (settled instanceof Error) throw settled;
    expect(settled.published).toEqual([{ handled: [arnOf('t1'), arnOf('t22')], reported: ['t1'] }]);
    expect(ledger.calls.map((c) => c.method)).toEqual(['readMembers']);
    expect(lost).toEqual([1]);
  });
});
