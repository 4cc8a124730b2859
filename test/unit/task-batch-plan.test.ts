import { describe, expect, it } from 'vitest';
import type { StopClassification } from '#shared/tasks/classify.js';
import { planTargetGroupBatch, type StoppingTask, stopsSummary, targetsToObserve } from '#shared/tasks/plan.js';
import { health, TG_WEB } from '#test/support/builders.js';

const subject = { clusterName: 'prod', serviceName: 'web' };
const arn = (id: string) => `arn:aws:ecs:us-east-1:111122223333:task/prod/${id}`;

function classification(kind: StopClassification['kind'], summary = `${kind} summary`): StopClassification {
  return { kind, severity: 'critical', routine: false, summary };
}

function stopping(id: string, ips: string[], kind: StopClassification['kind'] = 'out-of-memory'): StoppingTask {
  return { taskArn: arn(id), classification: classification(kind), targets: ips.map((ip) => ({ id: ip, port: 8080 })) };
}

describe('Planner: stopsSummary', () => {
  it('names the one stopping task by its id, with its own summary', () => {
    // Prepare
    const one = { ...stopping('abc123', ['10.0.0.1']), classification: classification('out-of-memory', 'app ran out') };

    // Act
    const summary = stopsSummary('web', [one]);

    // Assess
    expect(summary).toBe('task abc123 of web is stopping: app ran out');
  });

  it('counts the kinds of several stops, the most frequent first and ties by name', () => {
    // Prepare
    const stops = [
      stopping('t1', [], 'out-of-memory'),
      stopping('t2', [], 'health-check-failed'),
      stopping('t3', [], 'out-of-memory'),
      stopping('t4', [], 'essential-container-exited'),
      stopping('t5', [], 'image-pull-failed'),
    ];

    // Act
    const summary = stopsSummary('web', stops);

    // Assess
    expect(summary).toBe(
      '5 tasks of web are stopping (2 out of memory, 1 essential container exited, 1 health check failed, 1 image pull failed)',
    );
  });
});

describe('Planner: targetsToObserve ports', () => {
  it("reads a running target's port back from its label, whatever the port", () => {
    // Act
    const asked = targetsToObserve([], new Set(['10.0.0.2:9090', '10.0.0.1:80']));

    // Assess
    expect(asked).toEqual([
      { id: '10.0.0.1', port: 80 },
      { id: '10.0.0.2', port: 9090 },
    ]);
  });
});

describe('Planner: planTargetGroupBatch decisions', () => {
  it('says why of every target, in task order, and names the one acting task on the action', () => {
    // Prepare
    const observed = health(TG_WEB, [
      ['10.0.0.1', 8080, 'healthy'],
      ['10.0.0.2', 8080, 'draining'],
      ['10.0.0.4', 8080, 'healthy'],
      ['10.0.0.5', 8080, 'healthy'],
    ]);
    const stops = [
      stopping('t3', ['10.0.0.3']),
      stopping('t2', ['10.0.0.2', '10.0.0.4']),
      stopping('t1', ['10.0.0.1']),
    ];

    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops,
      runningTargets: new Set(['10.0.0.1:8080']),
      health: observed,
      wholeGroup: false,
    });

    // Assess
    expect(plan.decisions).toEqual([
      {
        taskArn: arn('t1'),
        target: '10.0.0.1:8080',
        verdict: 'owned-by-running-task',
        why: '10.0.0.1:8080 now belongs to a running task of web',
      },
      { taskArn: arn('t2'), target: '10.0.0.2:8080', verdict: 'gone', why: '10.0.0.2:8080 is draining: nothing to do' },
      {
        taskArn: arn('t2'),
        target: '10.0.0.4:8080',
        verdict: 'deregister',
        why: '10.0.0.4:8080 is healthy and its task is stopping',
      },
      {
        taskArn: arn('t3'),
        target: '10.0.0.3:8080',
        verdict: 'gone',
        why: '10.0.0.3:8080 is not registered: nothing to do',
      },
    ]);
    expect(plan.needsWholeGroup).toBe(false);
    expect(plan.action).toMatchObject({
      subject: { ...subject, taskArn: arn('t2') },
      targets: [{ id: '10.0.0.4', port: 8080 }],
      why: 'task t2 of web is stopping: out-of-memory summary',
    });
  });

  it("keeps a target a running task of a service sharing the group holds, naming that service, the service's first", () => {
    // Prepare
    const observed = health(TG_WEB, [
      ['10.0.0.1', 8080, 'healthy'],
      ['10.0.0.2', 8080, 'healthy'],
      ['10.0.0.3', 8080, 'healthy'],
    ]);

    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops: [stopping('t1', ['10.0.0.1', '10.0.0.2', '10.0.0.3'])],
      runningTargets: new Set(['10.0.0.2:8080']),
      sharingTargets: new Map([
        ['10.0.0.1:8080', 'admin'],
        ['10.0.0.2:8080', 'admin'],
      ]),
      health: observed,
      wholeGroup: true,
    });

    // Assess
    expect(plan.decisions.map((d) => [d.target, d.verdict, d.why])).toEqual([
      ['10.0.0.1:8080', 'owned-by-running-task', '10.0.0.1:8080 now belongs to a running task of admin'],
      ['10.0.0.2:8080', 'owned-by-running-task', '10.0.0.2:8080 now belongs to a running task of web'],
      ['10.0.0.3:8080', 'deregister', '10.0.0.3:8080 is healthy and its task is stopping'],
    ]);
    expect(plan.action?.targets).toEqual([{ id: '10.0.0.3', port: 8080 }]);
  });

  it('names no single task on an action several stopping tasks share, and sorts its targets', () => {
    // Prepare
    const observed = health(TG_WEB, [
      ['10.0.0.1', 8080, 'healthy'],
      ['10.0.0.2', 8080, 'healthy'],
      ['10.0.0.9', 8080, 'healthy'],
    ]);

    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops: [stopping('t1', ['10.0.0.2']), stopping('t2', ['10.0.0.1'])],
      runningTargets: new Set(['10.0.0.9:8080']),
      health: observed,
      wholeGroup: false,
    });

    // Assess
    expect(plan.needsWholeGroup).toBe(false);
    expect(plan.action?.subject).toEqual(subject);
    expect(plan.action?.targets).toEqual([
      { id: '10.0.0.1', port: 8080 },
      { id: '10.0.0.2', port: 8080 },
    ]);
  });

  it('keeps the lowest-sorting target when the batch would empty the group, whatever the task order', () => {
    // Prepare
    const observed = health(TG_WEB, [
      ['10.0.0.1', 8080, 'healthy'],
      ['10.0.0.2', 8080, 'healthy'],
      ['10.0.0.3', 8080, 'unhealthy'],
    ]);

    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops: [stopping('t1', ['10.0.0.3']), stopping('t2', ['10.0.0.2']), stopping('t3', ['10.0.0.1'])],
      runningTargets: new Set(),
      health: observed,
      wholeGroup: true,
    });

    // Assess
    expect(plan.decisions.map((d) => [d.target, d.verdict])).toEqual([
      ['10.0.0.3:8080', 'deregister'],
      ['10.0.0.2:8080', 'deregister'],
      ['10.0.0.1:8080', 'kept-last'],
    ]);
    expect(plan.decisions[2]?.why).toBe(
      '10.0.0.1:8080 is the last registered target of the group: never-empty keeps it, ECS removes it once its task is gone',
    );
    expect(plan.action?.targets).toEqual([
      { id: '10.0.0.2', port: 8080 },
      { id: '10.0.0.3', port: 8080 },
    ]);
    expect(plan.action?.subject).toEqual(subject);
  });

  it('names the one task whose target leaves when another of its own targets stays', () => {
    // Prepare
    const observed = health(TG_WEB, [
      ['10.0.0.1', 8080, 'healthy'],
      ['10.0.0.5', 8080, 'healthy'],
    ]);

    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops: [stopping('t1', ['10.0.0.1', '10.0.0.7'])],
      runningTargets: new Set(['10.0.0.5:8080']),
      health: observed,
      wholeGroup: false,
    });

    // Assess
    expect(plan.action?.subject).toEqual({ ...subject, taskArn: arn('t1') });
  });

  it('needs no whole-group read when a partial read finds nothing to remove', () => {
    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops: [stopping('t1', ['10.0.0.1'])],
      runningTargets: new Set(),
      health: health(TG_WEB, [['10.0.0.1', 8080, 'draining']]),
      wholeGroup: false,
    });

    // Assess
    expect(plan).toEqual({
      decisions: [
        {
          taskArn: arn('t1'),
          target: '10.0.0.1:8080',
          verdict: 'gone',
          why: '10.0.0.1:8080 is draining: nothing to do',
        },
      ],
      needsWholeGroup: false,
    });
  });
});
