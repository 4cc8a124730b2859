import { describe, expect, it } from 'vitest';
import { type ReportedStop, serviceStopsAlert } from '#shared/tasks/batch-report.js';
import type { StopClassification, StopKind } from '#shared/tasks/classify.js';
import { ACCOUNT, REGION, TG_WEB, TG_WEB_CANARY, taskDetail, taskEvent } from '#test/support/builders.js';
import { appliedDeregistration, serviceStopsReport } from '#test/support/service-stops-report.js';

const TASK = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod`;

function stop(
  id: string,
  kind: StopKind,
  severity: StopClassification['severity'],
  options: { stoppedAt?: string; missing?: string[] } = {},
): ReportedStop {
  const event = taskEvent(
    taskDetail({ taskArn: `${TASK}/${id}`, stoppingAt: undefined, stoppedAt: options.stoppedAt }),
  );
  return {
    event,
    classification: { kind, severity, routine: false, summary: `${kind} stop` },
    missing: options.missing ?? [],
  };
}

const keptAndGone = {
  targetGroupArn: TG_WEB,
  plan: {
    needsWholeGroup: false,
    decisions: [
      { taskArn: `${TASK}/a`, target: '10.0.1.1:8080', verdict: 'deregister' as const, why: 'stopped' },
      { taskArn: `${TASK}/b`, target: '10.0.1.2:8080', verdict: 'gone' as const, why: 'draining' },
      { taskArn: `${TASK}/c`, target: '10.0.1.3:8080', verdict: 'gone' as const, why: 'unused' },
      { taskArn: `${TASK}/d`, target: '10.0.1.4:8080', verdict: 'kept-last' as const, why: 'the last' },
    ],
  },
  audit: [appliedDeregistration],
};

describe('Function: serviceStopsAlert, several stops', () => {
  const stops = [
    stop('aaaaaaaa1111', 'health-check-failed', 'warning', { stoppedAt: '2026-11-24T12:00:30.000Z' }),
    stop('bbbbbbbb2222', 'out-of-memory', 'critical', {
      stoppedAt: '2026-11-24T12:00:10.000Z',
      missing: ['no address yet'],
    }),
    stop('cccccccc3333', 'health-check-failed', 'warning', { stoppedAt: '2026-11-24T12:00:20.000Z' }),
  ];

  it('counts the stops by kind, names the tasks and says what was done in each target group', () => {
    // Act
    const alert = serviceStopsAlert(
      serviceStopsReport({
        stops,
        outcomes: [keptAndGone, { targetGroupArn: TG_WEB_CANARY, audit: [] }],
        notes: ['dry run off'],
      }),
    );

    // Assess
    expect(alert).toMatchObject({
      severity: 'critical',
      kind: 'task-stopped/storm',
      title: 'prod/web: 3 tasks stopped (2 health check failed, 1 out of memory)',
      keywords: ['storm', 'health-check-failed', 'out-of-memory'],
      relatedResources: [TG_WEB, TG_WEB_CANARY],
      nextSteps: [expect.stringMatching(/^Many tasks stopping at once/)],
      occurrences: { count: 3, firstAt: '2026-11-24T12:00:10.000Z', lastAt: '2026-11-24T12:00:30.000Z' },
      occurredAt: '2026-11-24T12:00:00.000Z',
    });
    expect(alert?.description).toBe(
      [
        '*What happened:* 3 tasks of web stopped (2 health check failed, 1 out of memory).',
        '*Tasks:* `aaaaaaaa`, `bbbbbbbb`, `cccccccc`.',
        '*What ecs-autopilot did:*',
        '• deregister 10.0.1.17:8080 from target group web-tg (verified: draining)',
        '• web-tg: 2 already gone or draining, 1 kept by never-empty: the last registered target of its group',
        '• nothing for bbbbbbbb2222: no address yet',
        '• dry run off',
      ].join('\n'),
    );
    expect(alert?.links.map((l) => l.label)).toEqual(['Service', 'Target group web-tg', 'Target group web-canary']);
  });

  it('is critical when a group failed, says so, and asks for a hand check', () => {
    // Act
    const alert = serviceStopsAlert(
      serviceStopsReport({
        stops: stops.map((s) => ({ ...s, classification: { ...s.classification, severity: 'info' as const } })),
        outcomes: [{ targetGroupArn: TG_WEB, audit: [], error: 'the target group is busy' }],
      }),
    );

    // Assess
    expect(alert?.severity).toBe('critical');
    expect(alert?.description).toContain('• FAILED in target group web-tg: the target group is busy (retried)');
    expect(alert?.nextSteps).toEqual([expect.stringMatching(/^The automation could not finish/)]);
  });

  it('takes the highest severity of its stops, and says nothing was done when nothing was', () => {
    // Act
    const alert = serviceStopsAlert(
      serviceStopsReport({
        stops: [
          stop('a1', 'scale-in', 'info'),
          stop('b2', 'health-check-failed', 'warning'),
          stop('c3', 'scale-in', 'info'),
        ],
      }),
    );

    // Assess
    expect(alert?.severity).toBe('warning');
    expect(alert?.description.endsWith('*What ecs-autopilot did:*\n• nothing')).toBe(true);
  });

  it('names thirty tasks and counts the rest', () => {
    // Prepare
    const many = Array.from({ length: 32 }, (_, i) => stop(`${String(i).padStart(8, '0')}ffff`, 'scale-in', 'info'));

    // Act
    const alert = serviceStopsAlert(serviceStopsReport({ stops: many }));

    // Assess
    expect(alert?.description).toMatch(/`00000029`, and 2 more\.\n/);
    expect(alert?.description).not.toContain('`00000030`');
  });

  it('gives each set of stops, and a troubled one, its own de-duplication key in one incident', () => {
    // Act
    const calm = serviceStopsAlert(serviceStopsReport({ stops }));
    const fewer = serviceStopsAlert(serviceStopsReport({ stops: stops.slice(0, 2) }));
    const failed = serviceStopsAlert(
      serviceStopsReport({ stops, outcomes: [{ targetGroupArn: TG_WEB, audit: [], error: 'busy' }] }),
    );

    // Assess
    expect(new Set([calm?.dedupKey, fewer?.dedupKey, failed?.dedupKey]).size).toBe(3);
    expect(new Set([calm?.incidentId, fewer?.incidentId, failed?.incidentId])).toEqual(
      new Set(['ecs-task-stops/prod/web/2026-11-24T12:00:00.000Z']),
    );
  });
});

describe('Function: serviceStopsAlert, one stop', () => {
  const one = stop('dddddddd4444', 'health-check-failed', 'warning', { stoppedAt: '2026-11-24T12:00:05.000Z' });

  it('reads as the task-stop alert, with what other groups decided or failed added', () => {
    // Act
    const plain = serviceStopsAlert(
      serviceStopsReport({ stops: [one], outcomes: [{ targetGroupArn: TG_WEB, audit: [appliedDeregistration] }] }),
    );
    const extra = serviceStopsAlert(
      serviceStopsReport({
        stops: [one],
        outcomes: [keptAndGone, { targetGroupArn: TG_WEB_CANARY, audit: [], error: 'busy' }],
      }),
    );

    // Assess
    expect(plain?.severity).toBe('warning');
    expect(plain?.kind).toBe('task-stopped/health-check-failed');
    expect(plain?.occurrences).toEqual({
      count: 1,
      firstAt: '2026-11-24T12:00:05.000Z',
      lastAt: '2026-11-24T12:00:05.000Z',
    });
    expect(extra?.severity).toBe('critical');
    expect(extra?.description.startsWith(`${plain?.description.split('\n')[0]}`)).toBe(true);
    expect(extra?.description.split('\n').slice(-3)).toEqual([
      '• deregister 10.0.1.17:8080 from target group web-tg (verified: draining)',
      '• web-tg: 2 already gone or draining, 1 kept by never-empty: the last registered target of its group',
      '• FAILED in target group web-canary: busy (retried)',
    ]);
    expect(plain?.description.split('\n').filter((l) => l.startsWith('• web-tg:'))).toEqual([]);
  });

  it('says there is nothing to report without stops', () => {
    // Assess
    expect(serviceStopsAlert(serviceStopsReport({}))).toBeUndefined();
  });
});
