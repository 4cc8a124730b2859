import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  StopTaskCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SetDesiredCountAction, StopTaskAction, TagServiceAction } from '#shared/executor/actions.js';
import { MissingClientError } from '#shared/executor/errors.js';
import { setDesiredCount, stopTask, tagService } from '#shared/executor/kinds/ecs.js';
import { accepted, ecs, ecsMock, resetKindMocks, subject } from '#test/support/executor-kinds.js';

const TASK = 'arn:aws:ecs:us-east-1:111122223333:task/prod/0123456789abcdef0123456789abcdef';

const stop: StopTaskAction = {
  kind: 'stop-task',
  subject,
  clusterName: 'prod',
  taskArn: TASK,
  reason: 'x'.repeat(300),
  why: 'unhealthy',
};
const scale: SetDesiredCountAction = {
  kind: 'set-desired-count',
  subject,
  clusterName: 'prod',
  serviceName: 'web',
  from: 4,
  to: 5,
  direction: 'out',
  why: 'cpu',
  basis: { bounds: { min: 1, max: 10 }, direction: 'out', cooldownSeconds: 0, now: '2026-11-24T12:00:00Z' },
};
const tag: TagServiceAction = {
  kind: 'tag-service',
  subject,
  serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
  tags: { a: '1', b: '2' },
  why: 'baseline',
};

beforeEach(resetKindMocks);

describe('Executor kinds: ECS', () => {
  it('stops a task with its reason cut to the 255 characters ECS takes, and reads back its desired status', async () => {
    // Prepare
    ecsMock.on(StopTaskCommand).resolves({});
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [{ desiredStatus: 'STOPPED' }] });

    // Act
    const applied = await stopTask.apply(stop, { ecs });
    const verified = await stopTask.verify(stop, { ecs }, 'read-back', applied);

    // Assess
    expect(ecsMock.commandCalls(StopTaskCommand)[0]?.args[0].input).toEqual({
      cluster: 'prod',
      task: TASK,
      reason: 'x'.repeat(255),
    });
    expect(ecsMock.commandCalls(DescribeTasksCommand)[0]?.args[0].input).toEqual({ cluster: 'prod', tasks: [TASK] });
    expect(applied).toEqual({ changed: true, evidence: 'StopTask accepted' });
    expect(verified).toEqual({ ok: true, evidence: 'read back: desired status STOPPED' });
  });

  it('fails the read-back of a task that still runs or that ECS no longer knows, whatever the answer lacks', async () => {
    ecsMock
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ desiredStatus: 'RUNNING' }] })
      .resolvesOnce({ tasks: [] })
      .resolvesOnce({});
    expect(await stopTask.verify(stop, { ecs }, 'read-back', accepted)).toEqual({
      ok: false,
      evidence: 'read back: desired status RUNNING',
    });
    expect(await stopTask.verify(stop, { ecs }, 'read-back', accepted)).toEqual({
      ok: false,
      evidence: 'read back: desired status unknown',
    });
    expect(await stopTask.verify(stop, { ecs }, 'read-back', accepted)).toEqual({
      ok: false,
      evidence: 'read back: desired status unknown',
    });
  });

  it('sets the desired count and reads it back, failing on any other count', async () => {
    // Prepare
    ecsMock.on(UpdateServiceCommand).resolves({});
    ecsMock
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [{ desiredCount: 5 }] })
      .resolvesOnce({ services: [{ desiredCount: 4 }] })
      .resolvesOnce({ services: [] })
      .resolvesOnce({});

    // Act
    const applied = await setDesiredCount.apply(scale, { ecs });
    const checks = [
      await setDesiredCount.verify(scale, { ecs }, 'read-back', applied),
      await setDesiredCount.verify(scale, { ecs }, 'read-back', applied),
      await setDesiredCount.verify(scale, { ecs }, 'read-back', applied),
      await setDesiredCount.verify(scale, { ecs }, 'read-back', applied),
    ];

    // Assess
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toEqual({
      cluster: 'prod',
      service: 'web',
      desiredCount: 5,
    });
    expect(ecsMock.commandCalls(DescribeServicesCommand)[0]?.args[0].input).toEqual({
      cluster: 'prod',
      services: ['web'],
    });
    expect(applied).toEqual({ changed: true, evidence: 'UpdateService accepted' });
    expect(checks).toEqual([
      { ok: true, evidence: 'read back: desired count 5' },
      { ok: false, evidence: 'read back: desired count 4' },
      { ok: false, evidence: 'read back: desired count unknown' },
      { ok: false, evidence: 'read back: desired count unknown' },
    ]);
  });

  it('writes every tag as a key and a value, and takes the acknowledgement as its verification', async () => {
    // Prepare
    ecsMock.on(TagResourceCommand).resolves({});

    // Act
    const applied = await tagService.apply(tag, { ecs });
    const verified = await tagService.verify(tag, { ecs }, 'acknowledged', applied);

    // Assess
    expect(ecsMock.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: tag.serviceArn,
      tags: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    });
    expect(applied).toEqual({ changed: true, evidence: 'TagResource accepted' });
    expect(verified).toEqual({ ok: true, evidence: 'TagResource accepted' });
  });

  it('names the client a function forgot to pass', async () => {
    await expect(stopTask.apply(stop, {})).rejects.toBeInstanceOf(MissingClientError);
  });
});
