import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guard } from '#shared/executor/guardrails.js';
import { classifyStop } from '#shared/tasks/classify.js';
import { planTargetGroupBatch, type StoppingTask, targetsToObserve } from '#shared/tasks/plan.js';
import { health, TG_WEB, taskDetail } from '#test/support/builders.js';

const subject = { clusterName: 'prod', serviceName: 'web' };
const crashed = classifyStop(taskDetail());

function stop(n: number): StoppingTask {
  return { taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/t${n}`, classification: crashed, targets: [ip(n)] };
}

function ip(n: number) {
  return { id: `10.0.0.${n}`, port: 8080 };
}

describe('Planner: planTargetGroupBatch', () => {
  it('deregisters every stopping task of the batch in one action', () => {
    // Prepare
    const observed = health(TG_WEB, [
      ['10.0.0.1', 8080, 'healthy'],
      ['10.0.0.2', 8080, 'unhealthy'],
      ['10.0.0.3', 8080, 'healthy'],
    ]);

    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops: [stop(2), stop(1)],
      runningTargets: new Set(['10.0.0.3:8080']),
      health: observed,
      wholeGroup: false,
    });

    // Assess
    expect(plan.action?.targets).toEqual([ip(1), ip(2)]);
    expect(plan.action?.why).toBe('2 tasks of web are stopping (2 essential container exited)');
    expect(plan.action?.basis).toEqual({ inService: 3, healthy: 2, removingHealthy: 1 });
    expect(plan.decisions.map((d) => d.verdict)).toEqual(['deregister', 'deregister']);
  });

  it('never deregisters a target that a running task of the service owns now', () => {
    // Prepare
    const observed = health(TG_WEB, [
      ['10.0.0.1', 8080, 'healthy'],
      ['10.0.0.3', 8080, 'healthy'],
    ]);

    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops: [stop(1)],
      runningTargets: new Set(['10.0.0.1:8080', '10.0.0.3:8080']),
      health: observed,
      wholeGroup: true,
    });

    // Assess
    expect(plan.action).toBeUndefined();
    expect(plan.decisions).toMatchObject([{ verdict: 'owned-by-running-task', target: '10.0.0.1:8080' }]);
  });

  it('leaves targets that are already draining or gone alone', () => {
    // Prepare
    const observed = health(TG_WEB, [
      ['10.0.0.1', 8080, 'draining'],
      ['10.0.0.2', 8080, 'not-registered'],
      ['10.0.0.3', 8080, 'healthy'],
    ]);

    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops: [stop(1), stop(2)],
      runningTargets: new Set(),
      health: observed,
      wholeGroup: true,
    });

    // Assess
    expect(plan.action).toBeUndefined();
    expect(plan.decisions.map((d) => d.verdict)).toEqual(['gone', 'gone']);
  });

  it('asks for the whole group when a partial read cannot show that a target remains', () => {
    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops: [stop(1)],
      runningTargets: new Set(),
      health: health(TG_WEB, [['10.0.0.1', 8080, 'healthy']]),
      wholeGroup: false,
    });

    // Assess
    expect(plan).toEqual({ decisions: [], needsWholeGroup: true });
  });

  it('keeps the last registered target when every target of the group belongs to a stopping task', () => {
    // Prepare
    const observed = health(TG_WEB, [
      ['10.0.0.1', 8080, 'healthy'],
      ['10.0.0.2', 8080, 'healthy'],
    ]);

    // Act
    const plan = planTargetGroupBatch({
      targetGroupArn: TG_WEB,
      subject,
      stops: [stop(2), stop(1)],
      runningTargets: new Set(),
      health: observed,
      wholeGroup: true,
    });

    // Assess
    expect(plan.action?.targets).toEqual([ip(2)]);
    expect(plan.decisions.find((d) => d.verdict === 'kept-last')?.target).toBe('10.0.0.1:8080');
  });

  it('plans an action the never-empty guard allows, and leaves a registered target, for any batch', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 10 }),
        fc.array(fc.constantFrom('healthy', 'unhealthy', 'initial', 'draining'), { minLength: 30, maxLength: 30 }),
        (registered, stopping, states) => {
          // Prepare
          const observed = health(
            TG_WEB,
            registered.map((n) => [`10.0.0.${n}`, 8080, states[n - 1] ?? 'healthy']),
          );
          const inServiceBefore = observed.targets.filter((t) => t.state !== 'draining').length;

          // Act
          const plan = planTargetGroupBatch({
            targetGroupArn: TG_WEB,
            subject,
            stops: [...new Set(stopping)].map(stop),
            runningTargets: new Set(),
            health: observed,
            wholeGroup: true,
          });

          // Assess
          if (!plan.action) return;
          expect(guard(plan.action)).toEqual({ allowed: true });
          expect(inServiceBefore - plan.action.targets.length).toBeGreaterThanOrEqual(1);
        },
      ),
    );
  });
});

describe('Planner: targetsToObserve', () => {
  it("asks about the stopping tasks' targets and a few running ones, sorted", () => {
    // Act
    const asked = targetsToObserve(
      [stop(9), stop(1)],
      new Set(['10.0.0.5:8080', '10.0.0.4:8080', '10.0.0.3:8080', '10.0.0.2:8080', '10.0.0.7:8080', '10.0.0.6:8080']),
    );

    // Assess
    expect(asked.map((t) => t.id)).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
      '10.0.0.4',
      '10.0.0.5',
      '10.0.0.6',
      '10.0.0.9',
    ]);
  });
});
