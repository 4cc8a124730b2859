import { describe, expect, it } from 'vitest';
import { taskTargets } from '#shared/targets/task-targets.js';
import { classifyStop } from '#shared/tasks/classify.js';
import { planTaskStop, type TaskStopObservation } from '#shared/tasks/plan.js';
import { config, health, TG_WEB, TG_WEB_CANARY, taskDetail } from '#test/support/builders.js';

const subject = { clusterName: 'prod', serviceName: 'web', taskArn: taskDetail().taskArn };
const policy = config().taskFailures;
const lbs = [
  { targetGroupArn: TG_WEB, containerName: 'app', containerPort: 8080 },
  { targetGroupArn: TG_WEB_CANARY, containerName: 'app', containerPort: 8080 },
];

function observation(overrides: Partial<TaskStopObservation> = {}): TaskStopObservation {
  const task = overrides.task ?? taskDetail();
  return {
    subject,
    task,
    classification: classifyStop(task),
    targets: taskTargets(task, lbs, undefined),
    health: [
      health(TG_WEB, [
        ['10.0.1.17', 8080, 'healthy'],
        ['10.0.1.18', 8080, 'healthy'],
      ]),
      health(TG_WEB_CANARY, [
        ['10.0.1.17', 8080, 'healthy'],
        ['10.0.1.19', 8080, 'healthy'],
      ]),
    ],
    ...overrides,
  };
}

describe('Planner: taskTargets', () => {
  it("derives an awsvpc task's targets from its ENI address and the service's container port", () => {
    // Act
    const targets = taskTargets(taskDetail(), lbs, undefined);

    // Assess
    expect(targets).toEqual([
      { targetGroupArn: TG_WEB, targets: [{ id: '10.0.1.17', port: 8080 }] },
      { targetGroupArn: TG_WEB_CANARY, targets: [{ id: '10.0.1.17', port: 8080 }] },
    ]);
  });

  it("derives a bridge-mode task's targets from its EC2 instance and the host port bound to the container port", () => {
    // Prepare
    const task = taskDetail({
      launchType: 'EC2',
      attachments: [],
      containerInstanceArn: 'arn:aws:ecs:us-east-1:111122223333:container-instance/prod/abc',
      containers: [
        {
          name: 'app',
          exitCode: 1,
          networkBindings: [
            { bindIP: '0.0.0.0', containerPort: 8080, hostPort: 32768, protocol: 'tcp' },
            { bindIP: '::', containerPort: 8080, hostPort: 32768, protocol: 'tcp' },
            { bindIP: '0.0.0.0', containerPort: 9090, hostPort: 32769, protocol: 'tcp' },
          ],
        },
      ],
    });

    // Act
    const targets = taskTargets(task, [lbs[0] as (typeof lbs)[0]], 'i-0abc');

    // Assess
    expect(targets).toEqual([{ targetGroupArn: TG_WEB, targets: [{ id: 'i-0abc', port: 32768 }] }]);
  });

  it('says why no target can be derived when the container has no host port for the target group', () => {
    // Prepare
    const task = taskDetail({ attachments: [], containers: [{ name: 'app', exitCode: 1 }] });

    // Act
    const [only] = taskTargets(task, [lbs[0] as (typeof lbs)[0]], 'i-0abc');

    // Assess
    expect(only?.targets).toEqual([]);
    expect(only?.missing).toMatch(/no host port bound to 8080/);
  });
});

describe('Planner: planTaskStop', () => {
  it("deregisters the stopped task's target from every target group of its service", () => {
    // Act
    const plan = planTaskStop(observation(), policy);

    // Assess
    expect(plan.actions.map((a) => [a.targetGroupArn, a.targets])).toEqual([
      [TG_WEB, [{ id: '10.0.1.17', port: 8080 }]],
      [TG_WEB_CANARY, [{ id: '10.0.1.17', port: 8080 }]],
    ]);
    expect(plan.actions[0]?.basis).toEqual({ inService: 2, healthy: 2, removingHealthy: 1 });
    expect(plan.actions[0]?.why).toMatch(/is stopping: an essential container exited/);
  });

  it("never plans to touch another task's target", () => {
    // Act
    const plan = planTaskStop(observation(), policy);

    // Assess
    const touched = plan.actions.flatMap((a) => a.targets.map((t) => t.id));
    expect(new Set(touched)).toEqual(new Set(['10.0.1.17']));
  });

  it('plans nothing for targets that are not registered or already draining', () => {
    // Prepare
    const obs = observation({
      health: [
        health(TG_WEB, [
          ['10.0.1.17', 8080, 'draining'],
          ['10.0.1.18', 8080, 'healthy'],
        ]),
        health(TG_WEB_CANARY, [['10.0.1.19', 8080, 'healthy']]),
      ],
    });

    // Act
    const plan = planTaskStop(obs, policy);

    // Assess
    expect(plan.actions).toEqual([]);
    expect(plan.notes).toHaveLength(2);
  });

  it('plans nothing for a routine stop: ECS drains those targets itself', () => {
    // Prepare
    const task = taskDetail({ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' });

    // Act
    const plan = planTaskStop(observation({ task, classification: classifyStop(task) }), policy);

    // Assess
    expect(plan.actions).toEqual([]);
    expect(plan.notes[0]).toMatch(/routine stop \(user-initiated\)/);
  });

  it('plans nothing when the service switched deregistration off', () => {
    // Act
    const plan = planTaskStop(observation(), { ...policy, deregisterTargets: false });

    // Assess
    expect(plan.actions).toEqual([]);
  });
});
