import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { describe, expect, inject, it } from 'vitest';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { resetMoto } from '#local/moto-server.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, type ServiceSpec, targetsOf, type World } from '#local/world.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

/** Stops tasks in ECS, as ECS does before it sends their stop events. */
async function stopInEcs(world: World, taskArns: readonly string[]): Promise<void> {
  const ecs = new ECSClient({ endpoint, region: world.region });
  for (const task of taskArns) {
    await ecs.send(new StopTaskCommand({ cluster: world.clusterName, task, reason: 'Essential container exited' }));
  }
}

/** Which tasks (by index in their service) still have a target in each target group, by service and group index. */
async function survivors(world: World): Promise<Record<string, number[][]>> {
  const out: Record<string, number[][]> = {};
  for (const service of Object.values(world.services)) {
    out[service.serviceName] = [];
    for (const tg of service.targetGroupArns) {
      const registered = new Set((await targetsOf(world, tg)).map((t) => `${t.id}:${t.port}`));
      out[service.serviceName]?.push(
        service.tasks.flatMap((task, index) => (registered.has(`${task.ip}:${task.port}`) ? [index] : [])),
      );
    }
  }
  return out;
}

/** A deterministic shuffle (a linear congruential generator): the same storm every run. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const STORM_SERVICES: ServiceSpec[] = [
  { name: 'web', tasks: 12, targetGroups: 2 },
  { name: 'api', tasks: 10 },
  { name: 'jobs', tasks: 10 },
];
const STOPPING: Record<string, number[]> = {
  web: [0, 2, 3, 5, 7, 8, 10, 11],
  api: [1, 2, 4, 5, 6, 8, 9],
  jobs: [0, 1, 3, 4, 6, 7, 9],
};
const STORM_CONFIG = `
version: 1
clusters:
  - name: prod
    services:
      - name: '*'
`;

/** The events cut into batches of the given sizes, in turn: a lone stop's batch races the storm's sweeps. */
function inBatchesOf<T>(sizes: readonly number[], events: readonly T[]): T[][] {
  const batches: T[][] = [];
  for (let at = 0, n = 0; at < events.length; n++) {
    const size = sizes[n % sizes.length] ?? 1;
    batches.push(events.slice(at, at + size));
    at += size;
  }
  return batches;
}

/** Provisions the storm's world, stops its tasks in ECS, and returns their events: each once, some twice, shuffled. */
async function storm(): Promise<{ world: World; events: unknown[] }> {
  await resetMoto(endpoint);
  const world = await provisionWorld(endpoint, { services: STORM_SERVICES });
  const stopped = Object.entries(STOPPING).flatMap(([service, indexes]) =>
    indexes.map((i) => world.services[service]?.tasks[i] as (typeof world.services)[string]['tasks'][number]),
  );
  await stopInEcs(
    world,
    stopped.map((t) => t.taskArn),
  );
  const events = stopped.map((t) => taskStateChangeEvent(world, t));
  return { world, events: shuffled([...events, ...events.filter((_, i) => i % 3 === 0)]) };
}

describe('Function: task-state-change, concurrent instances', () => {
  it('keeps one target when two instances handle the two stops of a two-target group at the same moment', async () => {
    // Prepare
    const world = await provisionWorld(endpoint, { services: [{ name: 'pair', tasks: 2 }] });
    const [first, second] = world.services.pair?.tasks ?? [];
    if (!first || !second) throw new Error('the pair service needs two tasks');
    await stopInEcs(world, [first.taskArn, second.taskArn]);
    const one = await coldContainer(world, 'task-state-change', STORM_CONFIG);
    const other = await coldContainer(world, 'task-state-change', STORM_CONFIG);

    // Act
    const results = await Promise.all([
      one.react(taskStateChangeEvent(world, first)),
      other.react(taskStateChangeEvent(world, second)),
    ]);

    // Assess
    const tg = world.services.pair?.targetGroupArns[0] as string;
    expect(await targetsOf(world, tg)).toHaveLength(1);
    const verdicts = results.flatMap((r) =>
      r.reaction.services.flatMap((s) => s.outcomes.flatMap((o) => o.plan?.decisions.map((d) => d.verdict) ?? [])),
    );
    expect(verdicts.sort()).toEqual(['deregister', 'kept-last']);
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
  });

  it('counts a stop once when a lone batch and a storm’s sweep each remove it from one of its two target groups', async () => {
    // Prepare: three of web's tasks stop; a batch carrying the third alone starts first, and its lease on the second
    // target group lands late, so the sweep of a batch carrying the other two takes the third there first.
    const world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 4, targetGroups: 2 }] });
    const tasks = world.services.web?.tasks ?? [];
    const [first, second, third] = tasks;
    if (!first || !second || !third) throw new Error('web needs four tasks');
    await stopInEcs(world, [first.taskArn, second.taskArn, third.taskArn]);
    stampStoppedTasks(proxy, new Date());
    const secondGroup = world.services.web?.targetGroupArns[1] as string;
    proxy.addRule({
      name: 'the lone batch’s lease on the second target group lands late',
      match: (call) =>
        call.operation === 'UpdateItem' && JSON.stringify(call.params).includes(`target-group/${secondGroup}`),
      times: 1,
      delayMs: 2_000,
    });
    const lone = await coldContainer(world, 'task-state-change', STORM_CONFIG);
    const sweeping = await coldContainer(world, 'task-state-change', STORM_CONFIG);

    // Act
    const alone = lone.react(taskStateChangeEvent(world, third));
    await new Promise((done) => setTimeout(done, 400));
    const swept = sweeping.reactBatch([first, second].map((t) => taskStateChangeEvent(world, t)));
    const results = await Promise.all([alone, swept]);

    // Assess
    const running = `${tasks[3]?.ip}:${tasks[3]?.port}`;
    for (const tg of world.services.web?.targetGroupArns ?? []) {
      expect((await targetsOf(world, tg)).map((t) => `${t.id}:${t.port}`)).toEqual([running]);
    }
    const counted = results.flatMap((r) =>
      r.reaction.services.flatMap((s) => (s.alert ? [s.alert.occurrences?.count ?? 1] : [])),
    );
    expect(
      counted.reduce((a, b) => a + b, 0),
      'each of the three stops counted once',
    ).toBe(3);
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
  });

  it('ends a storm in the same state, with the same exact counts, whether one instance takes it in one batch or one instance per batch of one to four stops takes it at once', async () => {
    // Prepare: stopped tasks carry their stop time, as in ECS, so one batch's sweep can take the others' stops
    stampStoppedTasks(proxy, new Date());
    const single = await storm();
    const alone = await coldContainer(single.world, 'task-state-change', STORM_CONFIG);

    // Act
    const one = await alone.reactBatch(single.events);
    const endAlone = await survivors(single.world);
    const split = await storm();
    const batches = inBatchesOf([1, 1, 2, 1, 3, 1, 4, 1], split.events);
    const containers = await Promise.all(
      batches.map(() => coldContainer(split.world, 'task-state-change', STORM_CONFIG)),
    );
    const many = await Promise.all(containers.map((c, n) => c.reactBatch(batches[n] ?? [])));
    const endMany = await survivors(split.world);

    // Assess
    const running = (service: string, tasks: number) =>
      [...Array(tasks).keys()].filter((i) => !STOPPING[service]?.includes(i));
    expect(endAlone).toEqual({
      web: [running('web', 12), running('web', 12)],
      api: [running('api', 10)],
      jobs: [running('jobs', 10)],
    });
    expect(endMany).toEqual(endAlone);
    expect([one, ...many].flatMap((r) => r.batchItemFailures)).toEqual([]);
    const counted = (results: typeof many) => {
      const stops: Record<string, number> = {};
      for (const alert of results.flatMap((r) => r.reaction.services.flatMap((s) => (s.alert ? [s.alert] : [])))) {
        stops[alert.service] =
          (stops[alert.service] ?? 0) + Number(/: (\d+) tasks stopped/.exec(alert.title)?.[1] ?? 1);
      }
      return stops;
    };
    const exact = Object.fromEntries(Object.entries(STOPPING).map(([service, stopped]) => [service, stopped.length]));
    expect(counted([one])).toEqual(exact);
    expect(counted(many)).toEqual(exact);
  });
});

describe('Function: task-state-change, a storm sweep under way', () => {
  it('has a batch that lost its storm’s sweep wait for that sweep’s result rather than read the groups again', async () => {
    // Prepare: two batches of two stops of one service; the sweep's deregistration takes a moment, so the batch that
    // loses the sweep finds no result yet.
    await resetMoto(endpoint);
    stampStoppedTasks(proxy, new Date());
    const world = await provisionWorld(endpoint, { services: [{ name: 'web', tasks: 8 }] });
    const stopped = [0, 1, 2, 3].map((i) => world.services.web?.tasks[i] as World['services'][string]['tasks'][number]);
    await stopInEcs(
      world,
      stopped.map((t) => t.taskArn),
    );
    const events = stopped.map((t) => taskStateChangeEvent(world, t));
    proxy.delay('elasticloadbalancing:DeregisterTargets', 1_500, 1);
    const containers = await Promise.all([0, 1].map(() => coldContainer(world, 'task-state-change', STORM_CONFIG)));

    // Act
    const results = await Promise.all(
      containers.map((container, n) => container.reactBatch(events.slice(2 * n, 2 * n + 2))),
    );

    // Assess: one batch swept all four stops, with one read of the group; the other read none, and says why.
    const count = (operation: string) => proxy.calls().filter((call) => call.operation === operation).length;
    expect(count('DescribeTargetHealth')).toBe(1);
    expect(count('DeregisterTargets')).toBe(1);
    const notes = results.map((r) => r.reaction.services.flatMap((s) => s.notes));
    expect(notes.filter((n) => n.includes('2 stop(s) handled by the storm sweep of another batch'))).toHaveLength(1);
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect((await survivors(world)).web).toEqual([[4, 5, 6, 7]]);
  });
});
