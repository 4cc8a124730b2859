import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import type { MotoProxy } from '#local/moto-proxy.js';
import { resetMoto } from '#local/moto-server.js';
import { provisionWorld, targetsOf, type World, type WorldTask } from '#local/world.js';
import type { AuditRecord } from '#shared/executor/audit.js';

/** The world of one race: a service `pair` whose two tasks are the two targets of its one target group. */
export interface Pair {
  world: World;
  targetGroupArn: string;
  first: WorldTask;
  second: WorldTask;
  /** Stops a task in ECS, as ECS does before it sends the task's stop event. */
  stop: (task: WorldTask) => Promise<void>;
}

/** What one contender (a function's cold container given its event) answered: its audit, what it gave back to retry. */
export interface Contention {
  audit: readonly AuditRecord[];
  retried?: readonly unknown[];
}

/** What every trial of a race ended in. */
export interface RaceTrials {
  /** Targets the group kept, per trial. */
  left: number[];
  /** The contenders' audit outcomes together, sorted, per trial. */
  outcomes: string[][];
  /** Everything a contender gave back for a retry, across the trials. */
  retried: unknown[];
}

/** How long a deregistration takes to land: long enough that every contender reads before any writes. */
const DEREGISTRATION_MS = 300;

/**
 * Races functions on a two-target group, `trials` times, on moto through the proxy (which serializes DynamoDB calls,
 * so that conditional writes are atomic as in AWS). Each trial is a fresh world: `arrange` stops tasks, sets health,
 * starts the functions' cold containers and returns the contenders, which are then started at the same moment.
 */
export async function racePair(
  endpoint: string,
  proxy: MotoProxy,
  trials: number,
  arrange: (pair: Pair) => Promise<ReadonlyArray<() => Promise<Contention>>>,
): Promise<RaceTrials> {
  const ended: RaceTrials = { left: [], outcomes: [], retried: [] };
  for (let i = 0; i < trials; i++) {
    await resetMoto(endpoint);
    proxy.reset();
    const world = await provisionWorld(endpoint, { services: [{ name: 'pair', tasks: 2 }] });
    const targetGroupArn = world.services.pair?.targetGroupArns[0];
    const [first, second] = world.services.pair?.tasks ?? [];
    if (!targetGroupArn || !first || !second) throw new Error('the pair service needs two tasks in one target group');
    const ecs = new ECSClient({ endpoint, region: world.region });
    const stop = async (task: WorldTask) => {
      await ecs.send(
        new StopTaskCommand({ cluster: world.clusterName, task: task.taskArn, reason: 'Essential container exited' }),
      );
    };
    const contenders = await arrange({ world, targetGroupArn, first, second, stop });
    proxy.delay('elasticloadbalancing:DeregisterTargets', DEREGISTRATION_MS);
    const results = await Promise.all(contenders.map((contend) => contend()));
    ended.left.push((await targetsOf(world, targetGroupArn)).length);
    ended.outcomes.push(results.flatMap((r) => r.audit.map((record) => record.outcome)).sort());
    ended.retried.push(...results.flatMap((r) => r.retried ?? []));
  }
  return ended;
}
