import type { ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createObservationCache,
  observeEc2InstanceId,
  observeServiceState,
} from '#shared/services/observation-cache.js';
import { createHandledTaskVersions, rememberHandledVersion } from '#shared/tasks/handled-versions.js';

/** An ECS client that answers DescribeServices with one active service, and counts the calls it gets. */
function countingEcs(answers: Array<() => Promise<unknown>> = []) {
  const calls: string[] = [];
  const ecs = {
    send: async (command: { constructor: { name: string } }) => {
      calls.push(command.constructor.name);
      const answer = answers.shift();
      if (answer) return answer();
      if (command.constructor.name === 'DescribeContainerInstancesCommand')
        return { containerInstances: [{ ec2InstanceId: 'i-0123456789abcdef0' }] };
      return { services: [{ serviceName: 'web', status: 'ACTIVE', loadBalancers: [], tags: [] }] };
    },
  } as unknown as ECSClient;
  return { ecs, calls };
}

describe('observation-cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('makes one DescribeServices call for concurrent lookups of one service', async () => {
    // Prepare
    const { ecs, calls } = countingEcs();
    const cache = createObservationCache();

    // Act
    const seen = await Promise.all([1, 2, 3].map(() => observeServiceState(ecs, cache, 'prod', 'web')));

    // Assess
    expect(calls).toEqual(['DescribeServicesCommand']);
    expect(seen.map((s) => s?.serviceName)).toEqual(['web', 'web', 'web']);
  });

  it('remembers a missing service too, so its next event costs no call', async () => {
    // Prepare
    const { ecs, calls } = countingEcs([async () => ({ services: [] })]);
    const cache = createObservationCache();

    // Act
    const first = await observeServiceState(ecs, cache, 'prod', 'gone');
    const second = await observeServiceState(ecs, cache, 'prod', 'gone');

    // Assess
    expect([first, second]).toEqual([undefined, undefined]);
    expect(calls).toHaveLength(1);
  });

  it('forgets a failed lookup, so the next one asks again', async () => {
    // Prepare
    const { ecs, calls } = countingEcs([() => Promise.reject(new Error('ThrottlingException'))]);
    const cache = createObservationCache();

    // Act
    const failed = observeEc2InstanceId(ecs, cache, 'prod', 'arn:aws:ecs:eu-west-1:1:container-instance/prod/a');
    await expect(failed).rejects.toThrow('ThrottlingException');
    const id = await observeEc2InstanceId(ecs, cache, 'prod', 'arn:aws:ecs:eu-west-1:1:container-instance/prod/a');

    // Assess
    expect(id).toBe('i-0123456789abcdef0');
    expect(calls).toHaveLength(2);
  });

  it('asks again once the time to live has passed', async () => {
    // Prepare
    vi.useFakeTimers({ now: 0 });
    const { ecs, calls } = countingEcs();
    const cache = createObservationCache(60);
    await observeServiceState(ecs, cache, 'prod', 'web');

    // Act
    vi.setSystemTime(59_000);
    await observeServiceState(ecs, cache, 'prod', 'web');
    vi.setSystemTime(61_000);
    await observeServiceState(ecs, cache, 'prod', 'web');

    // Assess
    expect(calls).toHaveLength(2);
  });
});

describe('handled-versions', () => {
  it('never lowers the version remembered for a task', () => {
    // Prepare
    const memory = createHandledTaskVersions(10);

    // Act
    rememberHandledVersion(memory, 'task/a', 4);
    rememberHandledVersion(memory, 'task/a', 2);

    // Assess
    expect(memory.get('task/a')).toBe(4);
  });

  it('keeps the most recently handled tasks when full', () => {
    // Prepare
    const memory = createHandledTaskVersions(2);

    // Act
    for (let i = 0; i < 10; i++) rememberHandledVersion(memory, `task/${i}`, 1);

    // Assess
    expect(memory.get('task/9')).toBe(1);
    expect(memory.get('task/0')).toBeUndefined();
  });
});
