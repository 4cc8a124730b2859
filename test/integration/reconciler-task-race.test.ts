import { describe, expect, inject, it } from 'vitest';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { racePair } from '#test/support/pair-race.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

/** The reconciler's default grace period (600 s): an orphan of an hour ago is past it, a stop of now is not. */
const CONFIG = 'version: 1\nclusters: [{ name: prod, services: [{ name: pair }] }]\n';

describe('Functions: reconciler and task-state-change on one target group at once', () => {
  it('keeps a target when a sweep removes an orphan while a task stop removes the other target of two', async () => {
    // Prepare: the first task stopped an hour ago and left its target (an orphan); ECS has just stopped the second
    const trials = 3;

    // Act: a sweep and the task function (its queue's batch of one) start at the same moment
    const { left, outcomes, retried } = await racePair(endpoint, proxy, trials, async (pair) => {
      const { world, first: orphaned, second: stopping } = pair;
      await manualTaskTransitions(endpoint);
      await pair.stop(orphaned);
      stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000), [orphaned.taskArn]);
      await pair.stop(stopping);
      stampStoppedTasks(proxy, new Date(), [stopping.taskArn]);
      const reconciler = await coldContainer(world, 'reconciler', CONFIG);
      const taskFunction = await coldContainer(world, 'task-state-change', CONFIG);
      return [
        () => reconciler.react(scheduledEvent(world)),
        async () => {
          const { audit, batchItemFailures } = await taskFunction.react(taskStateChangeEvent(world, stopping));
          return { audit, retried: batchItemFailures };
        },
      ];
    });

    // Assess: one removal lands, the other is refused by never-empty (or finds nothing left to do)
    expect(left).toEqual(Array(trials).fill(1));
    for (const outcome of outcomes) expect(outcome).toContain('applied');
    expect(retried).toEqual([]);
  });
});
