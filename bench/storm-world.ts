import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, targetsOf, type World } from '#local/world.js';

/**
 * The storm of the benchmark: services, tasks per service, tasks that stop in each, redeliveries. 1,000 events;
 * `STORM_SIZE=small` (what `npm run bench` runs, to stay within a couple of minutes) is 200 over the same services.
 */
export const STORM =
  process.env.STORM_SIZE === 'small'
    ? ({ services: 10, tasks: 20, stopping: 16, redeliveries: 40 } as const)
    : ({ services: 10, tasks: 100, stopping: 80, redeliveries: 200 } as const);

/** A deterministic shuffle (a linear congruential generator), so every run sees the same storm. */
export function shuffled<T>(items: readonly T[], seed = 20_261_126): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A provisioned storm: its world, its events (shuffled, redeliveries included) and what must hold after it. */
export interface Storm {
  world: World;
  events: unknown[];
  /** Target (`ip:port`) → the target group it is in, for every stopped task. */
  stoppedTargets: Array<{ targetGroupArn: string; target: string }>;
  /** Task ARN → service name, for the proxy's ListTasks filter. */
  serviceOfTask: Map<string, string>;
}

/** Builds the storm's world straight on moto (no rate limits while provisioning) and stops its tasks in ECS. */
export async function provisionStorm(motoEndpoint: string, progress: (line: string) => void): Promise<Storm> {
  const names = [...Array(STORM.services).keys()].map((i) => `svc${String(i).padStart(2, '0')}`);
  const world = await provisionWorld(motoEndpoint, { services: names.map((name) => ({ name, tasks: STORM.tasks })) });
  progress(`provisioned ${STORM.services} services × ${STORM.tasks} tasks, each registered in its target group`);
  const ecs = new ECSClient({ endpoint: motoEndpoint, region: world.region });
  const serviceOfTask = new Map<string, string>();
  const stoppedTargets: Storm['stoppedTargets'] = [];
  const events: unknown[] = [];
  for (const service of Object.values(world.services)) {
    for (const [index, task] of service.tasks.entries()) {
      serviceOfTask.set(task.taskArn, service.serviceName);
      if (index >= STORM.stopping) continue;
      await ecs.send(
        new StopTaskCommand({ cluster: world.clusterName, task: task.taskArn, reason: 'Essential container exited' }),
      );
      events.push(taskStateChangeEvent(world, task));
      for (const targetGroupArn of service.targetGroupArns) {
        stoppedTargets.push({ targetGroupArn, target: `${task.ip}:${task.port}` });
      }
    }
  }
  progress(`stopped ${events.length} tasks in ECS`);
  const redelivered = shuffled(events).slice(0, STORM.redeliveries);
  return { world, events: shuffled([...events, ...redelivered]), stoppedTargets, serviceOfTask };
}

/** The end state the storm is judged by: groups left empty, stopped tasks' targets still registered. */
export async function judgeEndState(storm: Storm) {
  const registered = new Map<string, Set<string>>();
  for (const service of Object.values(storm.world.services)) {
    for (const tg of service.targetGroupArns) {
      registered.set(tg, new Set((await targetsOf(storm.world, tg)).map((t) => `${t.id}:${t.port}`)));
    }
  }
  return {
    emptied: [...registered.values()].filter((targets) => targets.size === 0).length,
    stoppedLeft: storm.stoppedTargets.filter((s) => registered.get(s.targetGroupArn)?.has(s.target)).length,
  };
}
