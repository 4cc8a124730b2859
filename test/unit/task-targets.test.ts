import { describe, expect, it } from 'vitest';
import { taskTargets } from '#shared/targets/task-targets.js';
import { TG_WEB, TG_WEB_CANARY, taskDetail } from '#test/support/builders.js';

const lbs = [
  { targetGroupArn: TG_WEB, containerName: 'app', containerPort: 8080 },
  { targetGroupArn: TG_WEB_CANARY, containerName: 'app', containerPort: 8080 },
];

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
