import { describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { alarmConfig, UNHEALTHY_HOSTS } from '#test/support/alarm-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { racePair } from '#test/support/pair-race.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = alarmConfig([UNHEALTHY_HOSTS], { pair: {} });

describe('Functions: task-state-change and alarm-state-change on one target group at once', () => {
  it('keeps a target when a task stop and an unhealthy-host alarm each want a different one of two gone', async () => {
    // Prepare: the first task ECS has stopped while the alarm finds the second unhealthy; either removal alone leaves one
    const trials = 3;

    // Act: the task function (its queue's batch of one) and the alarm function get their events at the same moment
    const { left, outcomes, retried } = await racePair(endpoint, proxy, trials, async (pair) => {
      const { world, targetGroupArn, first: stopped, second: sick } = pair;
      await pair.stop(stopped);
      proxy.setTargetHealth(targetGroupArn, { id: sick.ip, port: sick.port }, 'unhealthy');
      const taskFunction = await coldContainer(world, 'task-state-change', CONFIG);
      const alarmFunction = await coldContainer(world, 'alarm-state-change', CONFIG);
      const alarm = alarmStateChangeEvent(world, {
        alarmName: 'prod-pair-unhealthy-hosts',
        subject: { targetGroupArn },
      });
      return [
        async () => {
          const { audit, batchItemFailures } = await taskFunction.react(taskStateChangeEvent(world, stopped));
          return { audit, retried: batchItemFailures };
        },
        () => alarmFunction.react(alarm),
      ];
    });

    // Assess: one removal lands, the other is refused by never-empty (or finds nothing left to do)
    expect(left).toEqual(Array(trials).fill(1));
    for (const outcome of outcomes) expect(outcome).toContain('applied');
    expect(retried).toEqual([]);
  });
});
