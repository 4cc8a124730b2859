import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import type { MotoProxy } from '#local/moto-proxy.js';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import type { World } from '#local/world.js';

type Task = World['services'][string]['tasks'][number];

/** Stops `tasks` of the prod cluster in ECS (moto), stamped as stopped at `at` as AWS would date them. */
export async function stopInEcs(proxy: MotoProxy, world: World, tasks: readonly Task[], at = new Date()) {
  const ecs = new ECSClient({ endpoint: proxy.endpoint, region: world.region });
  for (const t of tasks) await ecs.send(new StopTaskCommand({ cluster: 'prod', task: t.taskArn }));
  stampStoppedTasks(
    proxy,
    at,
    tasks.map((t) => t.taskArn),
  );
}
