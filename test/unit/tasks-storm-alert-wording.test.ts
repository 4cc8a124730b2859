import { describe, expect, it } from 'vitest';
import { type ReportedStop, serviceStopsAlert } from '#shared/tasks/batch-report.js';
import type { StopKind } from '#shared/tasks/classify.js';
import { ACCOUNT, REGION, TG_WEB, taskDetail, taskEvent } from '#test/support/builders.js';
import { appliedDeregistration, serviceStopsReport } from '#test/support/service-stops-report.js';

const TASK = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod`;

function stop(id: string, kind: StopKind = 'essential-container-exited', missing: string[] = []): ReportedStop {
  return {
    event: taskEvent(taskDetail({ taskArn: `${TASK}/${id}` })),
    classification: { kind, severity: 'critical', routine: false, summary: `${kind} of ${id}` },
    missing,
  };
}

const decision = (id: string, verdict: 'deregister' | 'gone' | 'kept-last') => ({
  taskArn: `${TASK}/${id}`,
  target: '10.0.1.17:8080',
  verdict,
  why: '',
});

describe('Storm alert: how its counts read', () => {
  it('lists the kinds most frequent first, and kinds seen as often in alphabetical order', () => {
    // Prepare
    const stops = [
      stop('a1', 'out-of-memory'),
      stop('a2', 'image-pull-failed'),
      stop('a3', 'health-check-failed'),
      stop('a4', 'out-of-memory'),
    ];

    // Act
    const alert = serviceStopsAlert(serviceStopsReport({ stops }));

    // Assess
    expect(alert?.title).toBe(
      'prod/web: 4 tasks stopped (2 out of memory, 1 health check failed, 1 image pull failed)',
    );
  });

  it('names exactly thirty tasks without saying there are more', () => {
    // Prepare
    const stops = Array.from({ length: 30 }, (_, n) => stop(`t${String(n).padStart(7, '0')}`));

    // Act
    const alert = serviceStopsAlert(serviceStopsReport({ stops }));

    // Assess
    expect(alert?.description).not.toContain('more');
    expect(alert?.description).toContain('`t0000029`.');
  });

  it('keys two different sets of as many stops apart, and the same set alike', () => {
    // Act
    const first = serviceStopsAlert(serviceStopsReport({ stops: [stop('a1'), stop('a2')] }));
    const other = serviceStopsAlert(serviceStopsReport({ stops: [stop('b1'), stop('b2')] }));
    const again = serviceStopsAlert(serviceStopsReport({ stops: [stop('a1'), stop('a2')] }));

    // Assess
    expect(first?.dedupKey).not.toBe(other?.dedupKey);
    expect(first?.dedupKey).toBe(again?.dedupKey);
  });
});

describe('Storm alert: a lone stop', () => {
  it('says why nothing was done for it: its target could not be named, and the share’s notes', () => {
    // Act
    const alert = serviceStopsAlert(
      serviceStopsReport({
        stops: [stop('a1', 'out-of-memory', ['the task has no private IPv4 address yet'])],
        notes: ['1 stop(s) handled by the storm sweep of another batch'],
      }),
    );

    // Assess
    expect(alert?.description).toContain(
      '*What ecs-autopilot did:*\n• nothing: the task has no private IPv4 address yet\n• nothing: 1 stop(s) handled by the storm sweep of another batch',
    );
  });

  it('tells each removal once, and adds what its groups kept', () => {
    // Prepare
    const outcomes = [
      {
        targetGroupArn: TG_WEB,
        plan: { needsWholeGroup: false, decisions: [decision('a1', 'deregister')] },
        audit: [appliedDeregistration],
      },
    ];
    const kept = [
      { targetGroupArn: TG_WEB, plan: { needsWholeGroup: false, decisions: [decision('a1', 'kept-last')] }, audit: [] },
    ];

    // Act
    const removed = serviceStopsAlert(serviceStopsReport({ stops: [stop('a1')], outcomes }));
    const last = serviceStopsAlert(serviceStopsReport({ stops: [stop('a1')], outcomes: kept }));

    // Assess
    expect(removed?.description.split('\n').filter((l) => l.includes('deregister 10.0.1.17:8080'))).toHaveLength(1);
    expect(last?.description.split('\n').at(-1)).toBe(
      '• web-tg: 1 kept by never-empty: the last registered target of its group',
    );
  });
});
