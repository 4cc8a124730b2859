import { DescribeContainerInstancesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createObservationCache } from '#shared/services/observation-cache.js';
import { observeTaskInstance } from '#shared/targets/owners.js';
import { taskDetail } from '#test/support/builders.js';

// One call's shape: how the instance of a bridge task is asked for and what its failure becomes.
const ecs = new ECSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const mock = mockClient(ecs);
const INSTANCE = 'arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const bridgeTask = taskDetail({ attachments: [], containerInstanceArn: INSTANCE });

describe('Function: observeTaskInstance', () => {
  beforeEach(() => {
    mock.reset();
  });

  it('reads the EC2 instance a bridge task runs on from its container instance', async () => {
    // Prepare
    mock.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [{ containerInstanceArn: INSTANCE, ec2InstanceId: 'i-0abc' }],
    });

    // Act
    const found = await observeTaskInstance(ecs, createObservationCache(), 'prod', bridgeTask);

    // Assess
    expect(found).toEqual({ ec2InstanceId: 'i-0abc' });
    expect(mock.commandCalls(DescribeContainerInstancesCommand)[0]?.args[0].input).toMatchObject({
      cluster: 'prod',
      containerInstances: [INSTANCE],
    });
  });

  it('says why, naming the container instance, when it cannot be described, and that ELB drops such targets', async () => {
    // Prepare
    const gone = Object.assign(new Error('container instance not found'), { name: 'ClientException' });
    mock.on(DescribeContainerInstancesCommand).rejects(gone);

    // Act
    const found = await observeTaskInstance(ecs, createObservationCache(), 'prod', bridgeTask);

    // Assess
    expect(found).toEqual({
      problem:
        'its container instance 0f1e2d3c4b5a69788796a5b4c3d2e1f0 cannot be described (ClientException: container instance not found); ELB drops the targets of a terminated instance itself',
    });
  });

  it('asks nothing for an awsvpc task, nor for one that names no container instance', async () => {
    // Act
    const awsvpc = await observeTaskInstance(ecs, createObservationCache(), 'prod', taskDetail());
    const placeless = await observeTaskInstance(ecs, createObservationCache(), 'prod', taskDetail({ attachments: [] }));

    // Assess
    expect([awsvpc, placeless]).toEqual([{}, {}]);
    expect(mock.calls()).toHaveLength(0);
  });
});
