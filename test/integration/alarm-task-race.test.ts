import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { resetMoto } from '#local/moto-server.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, targetsOf } from '#local/world.js';
import { alarmConfig, UNHEALTHY_HOSTS } from '#test/support/alarm-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = alarmConfig([UNHEALTHY_HOSTS], { pair: {} });
const TRIALS = 3;

/**
 * One trial: a two-target group whose first task ECS has stopped while the alarm finds the second unhealthy. The task
 * function (its queue's batch of one) and the alarm function get their events at the same moment; each would remove a
 * different target, and either alone leaves one. Deregistrations take 300 ms to land, so both read before either writes.
 */
async function trial() {
  await resetMoto(endpoint);
  proxy.reset();
  const world = await provisionWorld(endpoint, { services: [{ name: 'pair', tasks: 2 }] });
  const tg = world.services.pair?.targetGroupArns[0] as string;
  const [stopped, sick] = world.services.pair?.tasks ?? [];
  if (!stopped || !sick) throw new Error('the pair service needs two tasks');
  const ecs = new ECSClient({ endpoint, region: world.region });
  await ecs.send(
    new StopTaskCommand({ cluster: world.clusterName, task: stopped.taskArn, reason: 'Essential container exited' }),
  );
  proxy.setTargetHealth(tg, { id: sick.ip, port: sick.port }, 'unhealthy');
  proxy.delay('elasticloadbalancing:DeregisterTargets', 300);
  const taskFunction = await coldContainer(world, 'task-state-change', CONFIG);
  const alarmFunction = await coldContainer(world, 'alarm-state-change', CONFIG);
  const [tasks, alarm] = await Promise.all([
    taskFunction.react(taskStateChangeEvent(world, stopped)),
    alarmFunction.react(
      alarmStateChangeEvent(world, { alarmName: 'prod-pair-unhealthy-hosts', subject: { targetGroupArn: tg } }),
    ),
  ]);
  return { left: await targetsOf(world, tg), tasks, alarm };
}

describe('Functions: task-state-change and alarm-state-change on one target group at once', () => {
  it('keeps a target when a task stop and an unhealthy-host alarm each want a different one of two gone', async () => {
    // Prepare
    const left: number[] = [];
    const outcomes: string[][] = [];
    const retried: unknown[] = [];

    // Act
    for (let i = 0; i < TRIALS; i++) {
      const { left: targets, tasks, alarm } = await trial();
      left.push(targets.length);
      outcomes.push([...tasks.audit, ...alarm.audit].map((r) => r.outcome).sort());
      retried.push(...tasks.batchItemFailures);
    }

    // Assess: one removal lands, the other is refused by never-empty (or finds nothing left to do)
    expect(left).toEqual(Array(TRIALS).fill(1));
    for (const outcome of outcomes) expect(outcome).toContain('applied');
    expect(retried).toEqual([]);
  });
});
