import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/load.js';
import {
  ClusterNotFoundError,
  describeServiceTasks,
  managedServiceNames,
  observeManagedServices,
} from '#shared/services/observe.js';
import { clusterNotFound, recordingEcs } from '#test/support/recording-ecs.js';

describe('Function: managedServiceNames', () => {
  const serviceArn = (name: string) => `arn:aws:ecs:eu-west-1:111122223333:service/prod/${name}`;

  it('lists the cluster for "*", leaving out the services the config disables, and keeps the named ones', async () => {
    // Prepare
    const config = parseConfig({
      version: 1,
      clusters: [
        { name: 'prod', services: [{ name: '*' }, { name: 'batch', enabled: false }, { name: 'extra' }] },
        { name: 'dev', services: [{ name: 'web' }, { name: 'off', enabled: false }] },
      ],
    });
    const { ecs, sent } = recordingEcs({
      ListServices: () => ({ serviceArns: [serviceArn('web'), serviceArn('batch'), serviceArn('extra')] }),
    });

    // Act
    const prod = await managedServiceNames(ecs, config, 'prod');
    const dev = await managedServiceNames(ecs, config, 'dev');
    const unknown = await managedServiceNames(ecs, config, 'staging');

    // Assess
    expect(prod.sort()).toEqual(['extra', 'web']);
    expect(dev).toEqual(['web']);
    expect(unknown).toEqual([]);
    expect(sent).toEqual([{ command: 'ListServices', input: { cluster: 'prod' } }]);
  });

  it('does not list a cluster whose "*" is disabled', async () => {
    // Prepare
    const config = parseConfig({
      version: 1,
      clusters: [{ name: 'prod', services: [{ name: '*', enabled: false }, { name: 'web' }] }],
    });
    const { ecs, sent } = recordingEcs({});

    // Act
    const names = await managedServiceNames(ecs, config, 'prod');

    // Assess
    expect(names).toEqual(['web']);
    expect(sent).toEqual([]);
  });
});

describe('Function: observeManagedServices', () => {
  it('sets aside a configured cluster that ECS does not have and reads the others', async () => {
    // Prepare
    const config = parseConfig({
      version: 1,
      clusters: [
        { name: 'ghost', services: [{ name: 'web' }] },
        { name: 'prod', services: [{ name: 'web' }] },
      ],
    });
    const { ecs } = recordingEcs({
      DescribeServices: (input) =>
        input.cluster === 'ghost' ? clusterNotFound() : { services: [{ serviceName: 'web', status: 'ACTIVE' }] },
    });

    // Act
    const managed = await observeManagedServices(ecs, config);

    // Assess
    expect(managed.services.map((s) => `${s.clusterName}/${s.serviceName}`)).toEqual(['prod/web']);
    expect(managed.missingClusters.map((e) => e.clusterName)).toEqual(['ghost']);
  });

  it('fails on any other error', async () => {
    // Prepare
    const config = parseConfig({ version: 1, clusters: [{ name: 'prod', services: [{ name: 'web' }] }] });
    const { ecs } = recordingEcs({
      DescribeServices: () => {
        throw new Error('AccessDeniedException');
      },
    });

    // Act
    const observed = observeManagedServices(ecs, config);

    // Assess
    await expect(observed).rejects.toThrow('AccessDeniedException');
  });
});

describe('Function: describeServiceTasks', () => {
  it("lists the service's tasks in the status asked, describes a hundred a call and keeps the service's own", async () => {
    // Prepare
    const arns = Array.from({ length: 150 }, (_, i) => `arn:aws:ecs:eu-west-1:111122223333:task/prod/t${i}`);
    const { ecs, sent } = recordingEcs({
      ListTasks: (input) =>
        input.nextToken ? { taskArns: arns.slice(100) } : { taskArns: arns.slice(0, 100), nextToken: 'page-2' },
      DescribeTasks: (input) => ({
        tasks: (input.tasks as string[]).map((taskArn, i) => ({
          taskArn,
          group: i === 0 ? 'service:web-canary' : 'service:web',
        })),
      }),
    });

    // Act
    const tasks = await describeServiceTasks(ecs, 'prod', 'web', 'STOPPED');

    // Assess
    expect(sent.filter((s) => s.command === 'ListTasks')[0]?.input).toMatchObject({
      cluster: 'prod',
      serviceName: 'web',
      desiredStatus: 'STOPPED',
    });
    expect(sent.filter((s) => s.command === 'DescribeTasks').map((s) => (s.input.tasks as string[]).length)).toEqual([
      100, 50,
    ]);
    expect(tasks).toHaveLength(148);
    expect(tasks.map((t) => t.taskArn)).not.toContain(arns[0]);
    expect(tasks.map((t) => t.taskArn)).not.toContain(arns[100]);
  });

  it('describes a hundred tasks in one call', async () => {
    // Prepare
    const arns = Array.from({ length: 100 }, (_, i) => `arn:aws:ecs:eu-west-1:111122223333:task/prod/t${i}`);
    const { ecs, sent } = recordingEcs({
      ListTasks: () => ({ taskArns: arns }),
      DescribeTasks: () => ({ tasks: [] }),
    });

    // Act
    await describeServiceTasks(ecs, 'prod', 'web', 'RUNNING');

    // Assess
    expect(sent.map((s) => s.command)).toEqual(['ListTasks', 'DescribeTasks']);
  });

  it('names a cluster that ECS does not know', async () => {
    // Prepare
    const { ecs } = recordingEcs({ ListTasks: clusterNotFound });

    // Act
    const read = describeServiceTasks(ecs, 'ghost', 'web', 'RUNNING');

    // Assess
    await expect(read).rejects.toBeInstanceOf(ClusterNotFoundError);
  });
});
