import type { Service, Task } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { TaskStateChangeDetailSchema } from '#shared/events/task-state-change.js';
import { ClusterNotFoundError, describeServices, serviceState, taskDetailOf } from '#shared/services/observe.js';
import * as v from '#shared/validation/input-schema.js';

import { CLUSTER_ARN, clusterNotFound, recordingEcs, TG } from '#test/support/recording-ecs.js';

describe('Function: serviceState', () => {
  it('keeps only the load balancer entries that name a target group, a container and its port', () => {
    // Prepare
    const service: Service = {
      serviceArn: `${CLUSTER_ARN.replace('cluster', 'service')}/web`,
      serviceName: 'web',
      desiredCount: 3,
      runningCount: 2,
      loadBalancers: [
        { targetGroupArn: TG, containerName: 'app', containerPort: 0 },
        { targetGroupArn: TG, containerName: 'app' },
        { targetGroupArn: TG, containerPort: 80 },
        { containerName: 'app', containerPort: 80, loadBalancerName: 'classic' },
      ],
      tags: [{ key: 'team', value: 'web' }, { key: 'ecs-autopilot:disabled', value: 'true' }, { value: 'orphan' }],
    };

    // Act
    const state = serviceState('prod', service);

    // Assess
    expect(state).toEqual({
      serviceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/prod/web',
      clusterName: 'prod',
      serviceName: 'web',
      desiredCount: 3,
      runningCount: 2,
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 0 }],
      tags: { team: 'web', 'ecs-autopilot:disabled': 'true', '': 'orphan' },
      disabledByTag: true,
    });
  });

  it('reads what DescribeServices left out as empty', () => {
    // Act
    const state = serviceState('prod', {});

    // Assess
    expect(state).toEqual({
      serviceArn: '',
      clusterName: 'prod',
      serviceName: '',
      desiredCount: 0,
      runningCount: 0,
      loadBalancers: [],
      tags: {},
      disabledByTag: false,
    });
  });
});

describe('Function: taskDetailOf', () => {
  it('gives a DescribeTasks task the shape of the event detail, which the event schema accepts', () => {
    // Prepare
    const task: Task = {
      taskArn: 'arn:aws:ecs:eu-west-1:111122223333:task/prod/a1b2',
      clusterArn: CLUSTER_ARN,
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:42',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      version: 5,
      group: 'service:web',
      startedBy: 'ecs-svc/1',
      launchType: 'EC2',
      containerInstanceArn: 'arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/ci-1',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      startedAt: new Date('2026-11-26T10:00:00Z'),
      stoppingAt: new Date('2026-11-26T10:05:00Z'),
      stoppedAt: new Date('2026-11-26T10:05:30Z'),
      containers: [
        {
          name: 'app',
          lastStatus: 'STOPPED',
          exitCode: 137,
          reason: 'OutOfMemoryError',
          networkBindings: [{ bindIP: '0.0.0.0', containerPort: 8080, hostPort: 32768, protocol: 'tcp' }],
          networkInterfaces: [{ privateIpv4Address: '10.0.1.17', attachmentId: 'eni-att' }],
        },
      ],
      attachments: [{ type: 'eni', status: 'DELETED', details: [{ name: 'privateIPv4Address', value: '10.0.1.17' }] }],
    };

    // Act
    const detail = taskDetailOf(task);

    // Assess
    expect(detail).toEqual({
      taskArn: task.taskArn,
      clusterArn: CLUSTER_ARN,
      taskDefinitionArn: task.taskDefinitionArn,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      version: 5,
      group: 'service:web',
      startedBy: 'ecs-svc/1',
      launchType: 'EC2',
      containerInstanceArn: task.containerInstanceArn,
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      startedAt: '2026-11-26T10:00:00.000Z',
      stoppingAt: '2026-11-26T10:05:00.000Z',
      stoppedAt: '2026-11-26T10:05:30.000Z',
      containers: [
        {
          name: 'app',
          lastStatus: 'STOPPED',
          exitCode: 137,
          reason: 'OutOfMemoryError',
          networkBindings: [{ bindIP: '0.0.0.0', containerPort: 8080, hostPort: 32768, protocol: 'tcp' }],
          networkInterfaces: [{ privateIpv4Address: '10.0.1.17' }],
        },
      ],
      attachments: [{ type: 'eni', status: 'DELETED', details: [{ name: 'privateIPv4Address', value: '10.0.1.17' }] }],
    });
    expect(v.parse(TaskStateChangeDetailSchema, detail)).toEqual(detail);
  });

  it('fills what DescribeTasks left out, and reads an empty stop reason as none', () => {
    // Act
    const detail = taskDetailOf({ stoppedReason: '', containers: [{}], attachments: [{ details: [{}] }] });

    // Assess
    expect(detail).toMatchObject({ taskArn: '', clusterArn: '', lastStatus: 'UNKNOWN', desiredStatus: 'UNKNOWN' });
    expect(detail.version).toBe(0);
    expect(detail.stoppedReason).toBeUndefined();
    expect(detail.startedAt).toBeUndefined();
    expect(detail.containers[0]?.name).toBe('');
    expect(detail.attachments).toEqual([{ type: '', status: undefined, details: [{ name: '', value: undefined }] }]);
    expect(taskDetailOf({})).toMatchObject({ containers: [], attachments: [] });
  });
});

describe('Function: describeServices', () => {
  it('asks for ten services a call, with their tags, and leaves out the inactive ones', async () => {
    // Prepare
    const names = Array.from({ length: 21 }, (_, i) => `svc-${i}`);
    const { ecs, sent } = recordingEcs({
      DescribeServices: (input) => ({
        services: (input.services as string[]).map((serviceName) => ({
          serviceName,
          status: serviceName === 'svc-10' ? 'INACTIVE' : 'ACTIVE',
        })),
      }),
    });

    // Act
    const services = await describeServices(ecs, 'prod', names);

    // Assess
    expect(sent.map((s) => (s.input.services as string[]).length)).toEqual([10, 10, 1]);
    expect(sent[0]?.input).toMatchObject({ cluster: 'prod', include: ['TAGS'] });
    expect(services.map((s) => s.serviceName)).toEqual(names.filter((n) => n !== 'svc-10'));
  });

  it("names the cluster ECS does not know, keeping ECS's words", async () => {
    // Prepare
    const { ecs } = recordingEcs({ DescribeServices: clusterNotFound });

    // Act
    const read = describeServices(ecs, 'ghost', ['web']);

    // Assess
    await expect(read).rejects.toThrow(
      'cluster ghost does not exist in this account and region (ECS: Cluster not found.)',
    );
    await expect(read).rejects.toBeInstanceOf(ClusterNotFoundError);
  });

  it('makes one call for ten services', async () => {
    // Prepare
    const names = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
    const { ecs, sent } = recordingEcs({ DescribeServices: () => ({ services: [] }) });

    // Act
    await describeServices(ecs, 'prod', names);

    // Assess
    expect(sent).toHaveLength(1);
  });

  it('says only what it knows of a missing cluster when ECS said nothing', () => {
    // Assess
    expect(new ClusterNotFoundError('ghost').message).toBe('cluster ghost does not exist in this account and region');
  });

  it('lets any other error through as it is', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { ecs } = recordingEcs({
      DescribeServices: () => {
        throw throttled;
      },
    });

    // Act
    const read = describeServices(ecs, 'prod', ['web']);

    // Assess
    await expect(read).rejects.toBe(throttled);
  });
});
