import { describe, expect, it } from 'vitest';
import { classifyStop } from '#shared/tasks/classify.js';
import { planTaskStop, type TaskStopObservation } from '#shared/tasks/plan.js';
import { config, health, TG_WEB, TG_WEB_CANARY, taskDetail } from '#test/support/builders.js';

const task = taskDetail();
const subject = { clusterName: 'prod', serviceName: 'web', taskArn: task.taskArn };
const policy = config().taskFailures;
const target = { id: '10.0.1.17', port: 8080 };

function observation(overrides: Partial<TaskStopObservation> = {}): TaskStopObservation {
  return {
    subject,
    task,
    classification: classifyStop(task),
    targets: [{ targetGroupArn: TG_WEB, targets: [target] }],
    health: [
      health(TG_WEB, [
        ['10.0.1.17', 8080, 'healthy'],
        ['10.0.1.18', 8080, 'healthy'],
      ]),
    ],
    ...overrides,
  };
}

describe('Planner: planTaskStop notes', () => {
  it('says deregistration is switched off, and plans nothing', () => {
    expect(planTaskStop(observation(), { ...policy, deregisterTargets: false })).toEqual({
      actions: [],
      notes: ['target deregistration is switched off for this service'],
    });
  });

  it('names a target group whose targets could not be derived, and goes on with the others', () => {
    // Act
    const plan = planTaskStop(
      observation({
        targets: [
          { targetGroupArn: TG_WEB_CANARY, targets: [], missing: 'no ENI address in the event' },
          { targetGroupArn: TG_WEB, targets: [target] },
        ],
      }),
      policy,
    );

    // Assess
    expect(plan.notes).toEqual([`${TG_WEB_CANARY}: no ENI address in the event`]);
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({ kind: 'deregister-targets', targetGroupArn: TG_WEB, targets: [target] });
  });

  it("judges membership by the target group's own health, never another's", () => {
    // Act: the target is registered only in a target group the task does not use.
    const plan = planTaskStop(
      observation({ health: [health(TG_WEB_CANARY, [['10.0.1.17', 8080, 'healthy']]), health(TG_WEB, [])] }),
      policy,
    );

    // Assess
    expect(plan).toEqual({
      actions: [],
      notes: [`${TG_WEB}: 10.0.1.17:8080 not registered or already draining`],
    });
  });

  it('says a target group with no observed health is left alone', () => {
    expect(planTaskStop(observation({ health: [] }), policy).notes).toEqual([
      `${TG_WEB}: 10.0.1.17:8080 not registered or already draining`,
    ]);
  });
});
