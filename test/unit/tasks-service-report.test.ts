import { describe, expect, it } from 'vitest';
import type { TaskDetail } from '#shared/events/task-state-change.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import type { TargetGroupOutcome } from '#shared/tasks/batch-report.js';
import type { TargetVerdict } from '#shared/tasks/plan.js';
import { type ObservedStop, reportServiceStops, type ServiceStops } from '#shared/tasks/service-report.js';
import type { JoinedSweep } from '#shared/tasks/service-sweep.js';
import { config, TG_WEB, TG_WEB_CANARY } from '#test/support/builders.js';
import { keptLogger, recordingLedger, screenedStop } from '#test/support/tasks-ledger.js';

/** A stop of prod/web with one target in `group`; its event early (RUNNING, not started) unless told otherwise. */
function observed(
  id: string,
  group: string,
  options: { detail?: Partial<TaskDetail>; attempt?: number; missing?: string[]; messageId?: string } = {},
): ObservedStop {
  const detail = { lastStatus: 'DEACTIVATING', ...options.detail };
  const stop = screenedStop(id, { detail, ...(options.attempt !== undefined && { attempt: options.attempt }) });
  const message = options.messageId ? { ...stop.message, messageId: options.messageId } : stop.message;
  return {
    ...stop,
    message,
    targets: [{ targetGroupArn: group, targets: [{ id: `10.0.1.${id.length}`, port: 8080 }] }],
    missing: options.missing ?? [],
  };
}

const arnOf = (id: string) => `arn:aws:ecs:us-east-1:111122223333:task/prod/${id}`;

function record(group: string, outcome: AuditRecord['outcome'], error?: AuditRecord['error']): AuditRecord {
  return {
    action: { kind: 'deregister-targets', targetGroupArn: group } as AuditRecord['action'],
    description: `deregistered from ${group.split('/')[1]}`,
    outcome,
    why: 'the task stopped',
    at: '2026-11-24T12:00:01.000Z',
    durationMs: 40,
    ...(error && { error }),
  };
}

function outcome(group: string, decisions: Array<[string, TargetVerdict]>, audit: AuditRecord[] = []) {
  const plan = {
    decisions: decisions.map(([id, verdict]) => ({ taskArn: arnOf(id), target: '10.0.1.2:8080', verdict, why: '' })),
    needsWholeGroup: false,
  };
  return { targetGroupArn: group, plan, audit } satisfies TargetGroupOutcome;
}

/** Reports the share of `stops` with these outcomes; what was published and the logger's lines come back too. */
async function report(
  stops: ObservedStop[],
  outcomes: TargetGroupOutcome[],
  options: { sweep?: Partial<JoinedSweep>; ledger?: ReturnType<typeof recordingLedger>; maxAttempts?: number } = {},
) {
  const share: ServiceStops = {
    clusterName: 'prod',
    serviceName: 'web',
    messages: stops.map((s) => s.message),
    outcomes,
    notes: [],
    failures: [],
    adopted: [],
  };
  const published: unknown[] = [];
  const pending = { alert: {} as never, confirm: async () => undefined };
  const sweep: JoinedSweep = {
    stops,
    reportedElsewhere: new Set(),
    adopted: [],
    publish: async (handled, reported) => {
      published.push({ handled: handled.map((h) => h.message.event.detail.taskArn), reported: reported?.reported });
      return pending;
    },
    ...options.sweep,
  };
  const released: string[] = [];
  const lease = { release: async () => void released.push('lease') };
  let held: typeof lease | undefined = lease;
  const kept = keptLogger();
  const deps = {
    logger: kept.logger,
    config: config(),
    windowStart: '2026-11-24T12:00:00.000Z',
    maxAttempts: options.maxAttempts ?? 3,
  } as never;
  const result = await reportServiceStops(share, {
    screened: stops,
    stops,
    sweep,
    ledger: options.ledger?.ledger,
    takeLease: () => {
      const taken = held;
      held = undefined;
      return taken;
    },
    deps,
  });
  return { result, published, released, pending, lease };
}

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
});
