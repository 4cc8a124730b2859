import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createObservationCache,
  ObservationError,
  observeEc2InstanceId,
  observeServiceState,
} from '#shared/services/observation-cache.js';
import { readScalableTargets } from '#shared/services/read-scalable-targets.js';

type Sent = { command: string; input: Record<string, unknown> };

/** A client that answers each call with the next of `answers` and records what it was sent. */
function scriptedClient<C>(answers: Array<() => Promise<unknown>>) {
  const sent: Sent[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ command: command.constructor.name.replace(/Command$/, ''), input: command.input });
      const answer = answers.shift();
      if (!answer) throw new Error('no answer left');
      return answer();
    },
  } as unknown as C;
  return { client, sent };
}

const answer = (value: unknown) => () => Promise.resolve(value);
const CI = 'arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/ci-1';

describe('observation-cache: what it asks and how it reads the answer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks for the one service with its tags, and finds it only by its name and while active', async () => {
    // Prepare
    const { client: ecs, sent } = scriptedClient<ECSClient>([
      answer({
        services: [
          { serviceName: 'api', status: 'ACTIVE' },
          { serviceName: 'web', status: 'ACTIVE' },
        ],
      }),
      answer({ services: [{ serviceName: 'old', status: 'INACTIVE' }] }),
      answer({}),
    ]);
    const cache = createObservationCache();

    // Act
    const web = await observeServiceState(ecs, cache, 'prod', 'web');
    const old = await observeServiceState(ecs, cache, 'prod', 'old');
    const none = await observeServiceState(ecs, cache, 'prod', 'none');

    // Assess
    expect(sent[0]).toEqual({
      command: 'DescribeServices',
      input: { cluster: 'prod', services: ['web'], include: ['TAGS'] },
    });
    expect(web?.serviceName).toBe('web');
    expect(old).toBeUndefined();
    expect(none).toBeUndefined();
  });

  it('asks for the container instance of its cluster and refuses one without an EC2 instance', async () => {
    // Prepare
    const { client: ecs, sent } = scriptedClient<ECSClient>([
      answer({ containerInstances: [{ containerInstanceArn: CI }] }),
      answer({ containerInstances: [] }),
      answer({}),
    ]);
    const cache = createObservationCache();

    // Act
    const withoutId = observeEc2InstanceId(ecs, cache, 'prod', CI);
    const unknown = observeEc2InstanceId(ecs, cache, 'prod', `${CI}-2`);
    const empty = observeEc2InstanceId(ecs, cache, 'prod', `${CI}-3`);

    // Assess
    await expect(withoutId).rejects.toThrow(new ObservationError(`container instance ${CI} has no EC2 instance id`));
    await expect(unknown).rejects.toBeInstanceOf(ObservationError);
    await expect(empty).rejects.toBeInstanceOf(ObservationError);
    expect(sent[0]).toEqual({
      command: 'DescribeContainerInstances',
      input: { cluster: 'prod', containerInstances: [CI] },
    });
  });

  it('keeps EC2 instance ids ten times as long as services, which can change', async () => {
    // Prepare
    vi.useFakeTimers({ now: 0 });
    const id = answer({ containerInstances: [{ ec2InstanceId: 'i-0123456789abcdef0' }] });
    const { client: ecs, sent } = scriptedClient<ECSClient>([id, id]);
    const cache = createObservationCache(60);
    await observeEc2InstanceId(ecs, cache, 'prod', CI);

    // Act
    vi.setSystemTime(599_000);
    await observeEc2InstanceId(ecs, cache, 'prod', CI);
    const before = sent.length;
    vi.setSystemTime(601_000);
    await observeEc2InstanceId(ecs, cache, 'prod', CI);

    // Assess
    expect([before, sent.length]).toEqual([1, 2]);
  });

  it('does not forget a newer lookup when an expired one fails after it', async () => {
    // Prepare
    vi.useFakeTimers({ now: 0 });
    let fail: (error: Error) => void = () => {};
    const slow = () =>
      new Promise((_, reject) => {
        fail = reject;
      });
    const { client: ecs, sent } = scriptedClient<ECSClient>([slow, answer({ services: [{ serviceName: 'web' }] })]);
    const cache = createObservationCache(60);
    const first = observeServiceState(ecs, cache, 'prod', 'web');
    vi.setSystemTime(61_000);
    const second = await observeServiceState(ecs, cache, 'prod', 'web');

    // Act
    fail(new Error('ThrottlingException'));
    await expect(first).rejects.toThrow('ThrottlingException');
    const third = await observeServiceState(ecs, cache, 'prod', 'web');

    // Assess
    expect(third).toEqual(second);
    expect(sent).toHaveLength(2);
  });
});

describe('Function: readScalableTargets', () => {
  it("reads the cluster's services' bounds in one call, by service name, leaving out targets it did not ask for", async () => {
    // Prepare
    const { client, sent } = scriptedClient<ApplicationAutoScalingClient>([
      answer({
        ScalableTargets: [
          { ResourceId: 'service/prod/web', MinCapacity: 2, MaxCapacity: 10 },
          { ResourceId: 'service/prod/api' },
          { ResourceId: 'service/prod/other', MinCapacity: 1, MaxCapacity: 3 },
          {},
        ],
      }),
    ]);

    // Act
    const found = await readScalableTargets(client, 'prod', ['web', 'api', 'batch']);

    // Assess
    expect(sent).toEqual([
      {
        command: 'DescribeScalableTargets',
        input: {
          ServiceNamespace: 'ecs',
          ScalableDimension: 'ecs:service:DesiredCount',
          ResourceIds: ['service/prod/web', 'service/prod/api', 'service/prod/batch'],
        },
      },
    ]);
    expect(Object.fromEntries(found)).toEqual({
      web: { resourceId: 'service/prod/web', min: 2, max: 10 },
      api: { resourceId: 'service/prod/api', min: 0, max: 0 },
    });
  });

  it('finds nothing in an answer without targets', async () => {
    // Prepare
    const { client } = scriptedClient<ApplicationAutoScalingClient>([answer({})]);

    // Act
    const found = await readScalableTargets(client, 'prod', ['web']);

    // Assess
    expect(found.size).toBe(0);
  });
});
