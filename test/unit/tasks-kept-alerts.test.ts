import { describe, expect, it } from 'vitest';
import { MemberHolders } from '#shared/state/members.js';
import { claimStopReports } from '#shared/tasks/stop-reports.js';
import { TG_WEB } from '#test/support/builders.js';
import { arnOf, observed, outcome, report } from '#test/support/service-report.js';
import { keptLogger, recordingLedger } from '#test/support/tasks-ledger.js';

describe('Service stops: an alert kept for the stops’ retry', () => {
  it('queues an earlier delivery’s kept alert that counts a stop it holds, and leaves its stops out of its own', async () => {
    // Prepare: t1's first delivery was counted with t7 in an alert that could not be queued
    const kept = { alert: { title: 'prod/web: 2 tasks stopped', dedupKey: 'k1' }, reported: ['t1', 't7'] };
    const other = { alert: { title: 'prod/web: task t9 stopped', dedupKey: 'k9' }, reported: ['t9'] };
    const ledger = recordingLedger({
      holders: new Map([
        ['t1', 'message/m-t1'],
        ['t2', 'message/m-t2'],
        ['t7', 'message/m-t7'],
      ]),
      notes: new Map([
        ['alert/k1', JSON.stringify(kept)],
        ['alert/k9', JSON.stringify(other)],
      ]),
    });
    const stops = [observed('t1', TG_WEB), observed('t2', TG_WEB), observed('t7', TG_WEB)];

    // Act
    const { result, published } = await report(stops, [outcome(TG_WEB, [])], { ledger });

    // Assess
    expect(result.adopted.map((a) => a.alert)).toEqual([kept.alert]);
    expect(result.alert?.relatedResources[0]).toBe(arnOf('t2'));
    expect(result.alert?.occurrences?.count).toBe(1);
    expect(published).toEqual([{ handled: stops.map((s) => s.message.event.detail.taskArn), reported: ['t2'] }]);
  });

  it('sends no alert of its own when a kept alert counts every stop it holds', async () => {
    // Prepare
    const kept = { alert: { title: 'prod/web: task t1 stopped', dedupKey: 'k1' }, reported: ['t1'] };
    const ledger = recordingLedger({
      holders: new Map([['t1', 'message/m-t1']]),
      notes: new Map([
        ['alert/k1', JSON.stringify(kept)],
        ['alert/broken', '{"alert":'],
        ['alert/partial', JSON.stringify({ alert: { title: 'no key' }, reported: ['t1'] })],
        ['other/t1', JSON.stringify(kept)],
      ]),
    });

    // Act
    const { result } = await report([observed('t1', TG_WEB)], [outcome(TG_WEB, [])], { ledger });

    // Assess
    expect(result.adopted.map((a) => a.alert)).toEqual([kept.alert]);
    expect(result.alert).toBeUndefined();
    expect(result.park).toBeUndefined();
  });

  it('keeps its alert for the stops’ retry beside their claims, also when a sweep’s record keeps it', async () => {
    // Prepare
    const ledger = recordingLedger({ holders: new Map([['t1', 'message/m-t1']]) });
    const inSweep = recordingLedger({ holders: new Map([['t1', 'message/m-t1']]) });

    // Act
    const { result } = await report([observed('t1', TG_WEB)], [outcome(TG_WEB, [])], {
      ledger,
      sweep: { publish: async () => undefined },
    });
    await result.park?.();
    const swept = await report([observed('t1', TG_WEB)], [outcome(TG_WEB, [])], { ledger: inSweep });
    await swept.result.park?.();
    const withoutLedger = await report([observed('t1', TG_WEB)], [outcome(TG_WEB, [])], {
      sweep: { publish: async () => undefined },
    });

    // Assess
    const alert = result.alert;
    expect(ledger.calls.at(-1)).toEqual({
      method: 'noteOn',
      args: [
        { pk: 'service/prod/web', sk: 'stop-reports' },
        `alert/${alert?.dedupKey}`,
        JSON.stringify({ alert, reported: ['t1'] }),
        { ttlSeconds: 3600 },
      ],
    });
    expect(swept.result.alertInSweep).toBeDefined();
    expect(inSweep.calls.at(-1)?.method).toBe('noteOn');
    expect(withoutLedger.result.park).toBeUndefined();
    expect(withoutLedger.result.adopted).toEqual([]);
  });

  it('queues a kept alert that counts a stop the sweep holds, though the stop is not this batch’s to report', async () => {
    // Prepare: the sweep that holds t1 kept its alert; this batch could not read the sweep's record
    const kept = { alert: { title: 'prod/web: 2 tasks stopped', dedupKey: 'k1' }, reported: ['t1', 't2'] };
    const ledger = recordingLedger({
      holders: new Map([['t1', 'sweep/s']]),
      notes: new Map([['alert/k1', JSON.stringify(kept)]]),
    });

    // Act
    const { result } = await report([observed('t1', TG_WEB)], [outcome(TG_WEB, [])], { ledger });

    // Assess
    expect(result.adopted.map((a) => a.alert)).toEqual([kept.alert]);
    expect(result.alert).toBeUndefined();
  });

  it('returns the stops whose reports could not be claimed for a retry, and reports them unclaimed on the last delivery', async () => {
    // Prepare: the table unreachable; t1 and t2 on their first delivery, t3 on its last (of 3)
    const ledger = recordingLedger({ fail: new Error('unreachable') });
    const first = [observed('t1', TG_WEB), observed('t2', TG_WEB)];
    const last = [observed('t3', TG_WEB, { attempt: 3 })];

    // Act
    const returned = await report(first, [outcome(TG_WEB, [])], { ledger });
    const reported = await report(last, [outcome(TG_WEB, [])], { ledger });

    // Assess
    expect(returned.result.failures).toEqual(
      first.map((s) => ({ messageId: s.message.messageId, why: 'the stops’ reports could not be claimed' })),
    );
    expect(returned.result.alert).toBeUndefined();
    expect(reported.result.failures).toEqual([]);
    expect(reported.result.alert?.relatedResources[0]).toBe(arnOf('t3'));
  });

  it('reports the sweep’s stops unclaimed: no message of theirs to return', async () => {
    // Prepare
    const ledger = recordingLedger({ fail: new Error('unreachable') });

    // Act
    const { result } = await report([observed('t1', TG_WEB)], [outcome(TG_WEB, [])], {
      ledger,
      sweep: { reporter: 'sweep/service/prod/web/storm-sweep/1' },
    });

    // Assess
    expect(result.failures).toEqual([]);
    expect(result.alert?.relatedResources[0]).toBe(arnOf('t1'));
  });

  it('reads no kept alert from a claim that answered with no notes', async () => {
    // Prepare: a claim that rode on a lease's release reads nothing of the record
    const { ledger } = recordingLedger();
    ledger.claimMembers = async () => new MemberHolders([['t1', 'message/a']]);
    const stop = { taskArn: arnOf('t1'), reporter: 'message/a', alsoOurs: [] };

    // Act
    const claims = await claimStopReports(
      ledger,
      { clusterName: 'prod', serviceName: 'web' },
      [stop],
      keptLogger().logger,
    );

    // Assess
    expect(claims).toEqual({ ours: new Set([arnOf('t1')]), parked: [], abandoned: new Set() });
  });
});
