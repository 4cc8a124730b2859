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

  it("takes the address of the task's ENI as DescribeTasks names it, skipping attachments of other kinds", () => {
    // Prepare
    const task = taskDetail({
      attachments: [
        { type: 'Service Connect', details: [{ name: 'privateIPv4Address', value: '10.9.9.9' }] },
        { type: 'ElasticNetworkInterface', details: [{ name: 'privateIPv4Address', value: '10.0.1.18' }] },
      ],
    });

    // Act
    const [only] = taskTargets(task, [lbs[0] as (typeof lbs)[0]], 'i-0abc');

    // Assess
    expect(only).toEqual({ targetGroupArn: TG_WEB, targets: [{ id: '10.0.1.18', port: 8080 }] });
  });

  it("falls back to the container's network interface while the ENI attachment carries no address", () => {
    // Prepare
    const task = taskDetail({
      attachments: [{ type: 'eni', details: [{ name: 'networkInterfaceId', value: 'eni-0123456789abcdef0' }] }],
      containers: [
        { name: 'log-router', networkInterfaces: [{}] },
        { name: 'app', networkInterfaces: [{ privateIpv4Address: '10.0.1.19' }] },
      ],
    });

    // Act
    const [only] = taskTargets(task, [lbs[0] as (typeof lbs)[0]], 'i-0abc');

    // Assess
    expect(only).toEqual({ targetGroupArn: TG_WEB, targets: [{ id: '10.0.1.19', port: 8080 }] });
  });

  it('counts a task with only a container network interface as awsvpc, its address as the target', () => {
    // Prepare
    const task = taskDetail({
      attachments: [],
      containers: [{ name: 'app', networkInterfaces: [{ privateIpv4Address: '10.0.1.20' }] }],
    });

    // Act
    const [only] = taskTargets(task, [lbs[0] as (typeof lbs)[0]], 'i-0abc');

    // Assess
    expect(only).toEqual({ targetGroupArn: TG_WEB, targets: [{ id: '10.0.1.20', port: 8080 }] });
  });

  it('says an awsvpc task has no address yet rather than taking its EC2 instance for the target', () => {
    // Prepare
    const task = taskDetail({
      attachments: [{ type: 'ENI', details: [{ name: 'networkInterfaceId', value: 'eni-0123456789abcdef0' }] }],
      containers: [{ name: 'app', networkBindings: [{ containerPort: 8080, hostPort: 32768 }] }],
    });

    // Act
    const targets = taskTargets(task, lbs, 'i-0abc');

    // Assess
    expect(targets).toEqual([
      { targetGroupArn: TG_WEB, targets: [], missing: 'the task has no private IPv4 address yet' },
      { targetGroupArn: TG_WEB_CANARY, targets: [], missing: 'the task has no private IPv4 address yet' },
    ]);
  });

  it('says a bridge-mode task without a container instance has no target', () => {
    // Prepare
    const task = taskDetail({
      attachments: [],
      containers: [{ name: 'app', networkBindings: [{ containerPort: 8080, hostPort: 32768 }] }],
    });

    // Act
    const [only] = taskTargets(task, [lbs[0] as (typeof lbs)[0]], undefined);

    // Assess
    expect(only?.targets).toEqual([]);
    expect(only?.missing).toMatch(/no container instance/);
  });

  it("takes the host ports of the service's own container only, and only ports already bound", () => {
    // Prepare
    const task = taskDetail({
      attachments: [],
      containers: [
        { name: 'envoy', networkBindings: [{ containerPort: 8080, hostPort: 31000 }] },
        {
          name: 'app',
          networkBindings: [{ containerPort: 8080 }, { containerPort: 8080, hostPort: 32768 }],
        },
      ],
    });

    // Act
    const [only] = taskTargets(task, [lbs[0] as (typeof lbs)[0]], 'i-0abc');

    // Assess
    expect(only).toEqual({ targetGroupArn: TG_WEB, targets: [{ id: 'i-0abc', port: 32768 }] });
  });

  it("says why no target can be derived when the task has no container of the service's name", () => {
    // Prepare
    const task = taskDetail({ attachments: [], containers: [{ name: 'worker' }] });

    // Act
    const [only] = taskTargets(task, [lbs[0] as (typeof lbs)[0]], 'i-0abc');

    // Assess
    expect(only).toEqual({
      targetGroupArn: TG_WEB,
      targets: [],
      missing: 'container app has no host port bound to 8080',
    });
  });
});
