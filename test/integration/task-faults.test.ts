import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { faultSeeds, injectFaults, landedDeregistrations } from '#local/fault-injection.js';
import { sqsEventSource } from '#local/lambda-delivery.js';
import { serverError } from '#local/moto-proxy.js';
import { stampStoppedTasks, timeOutAfterWrite } from '#local/moto-proxy-rules.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, targetsOf, type World, type WorldTask } from '#local/world.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { deliverAlertsApart } from '#test/support/outbox-delivery.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = `${prodClusterConfig('web', 'api', 'jobs')}notifications:
  grouping:
    # Each alert as it comes: the scenario tells stops apart by the task ids its chat messages name, which a group's
    # summary of several alerts of a service would not all name.
    enabled: false
`;

describe('Function: task-state-change under faults', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 6, targetGroups: 2 },
        { name: 'api', tasks: 2 },
        { name: 'jobs', tasks: 2 },
      ],
    });
  });

  it.each(faultSeeds(8_015))(
    'deregisters each stopped target once or dead-letters its stop, never empties a group, and alerts each stop once, through throttles, 5xx, timeouts and redelivery (seed %i)',
    async (seed) => {
      // Prepare: half of web's tasks, every api task and one jobs task stop in ECS; each sends STOPPING then STOPPED,
      // a third of them twice (EventBridge delivers at least once), fed in the queue's batches of up to 10 (storms:
      // several stops of a service in one batch claim its sweep, which takes the stops of the others' batches). 10 % of the function's calls fail, seeded; the
      // first deregistration lands and times out through the SDK's retry, the first alert cannot be queued, and jobs'
      // target group cannot be read at all, so its stop goes to the DLQ.
      const web = world.services.web?.tasks ?? [];
      const api = world.services.api?.tasks ?? [];
      const jobs = world.services.jobs?.tasks.slice(0, 1) ?? [];
      const stopped = [...web.slice(0, 3), ...api, ...jobs];
      const ecs = new ECSClient({ endpoint, region: world.region });
      for (const t of stopped)
        await ecs.send(new StopTaskCommand({ cluster: 'prod', task: t.taskArn, reason: 'exited' }));
      stampStoppedTasks(proxy, new Date());
      const events = [
        ...[...web.slice(0, 3), ...api].flatMap((t, i) => {
          const stopping = taskStateChangeEvent(world, t, { lastStatus: 'STOPPING', version: 3 });
          const gone = taskStateChangeEvent(world, t, { version: 4 });
          return i % 3 === 0 ? [stopping, gone, gone] : [stopping, gone];
        }),
        ...jobs.map((t) => taskStateChangeEvent(world, t, { version: 4 })),
      ];
      const faults = injectFaults(proxy, { seed, appliesTo: () => true });
      timeOutAfterWrite(proxy, 'elasticloadbalancing:DeregisterTargets', 2, 1_500);
      proxy.failWith5xx('sqs:SendMessage', 2);
      const jobsGroup = world.services.jobs?.targetGroupArns[0] as string;
      proxy.addRule({
        name: 'jobs target group unreadable',
        match: (call) =>
          call.operation === 'DescribeTargetHealth' &&
          (call.params as Record<string, string>).TargetGroupArn === jobsGroup,
        respond: (call) => serverError(call, 503),
      });
      const env = { AWS_REQUEST_TIMEOUT_MS: '500' };
      const containers = [
        await coldContainer(world, 'task-state-change', CONFIG, env),
        await coldContainer(world, 'task-state-change', CONFIG, env),
      ];
      // The harness reads moto straight, past the faults.
      const direct = { ...world, endpoint };
      const groups = Object.values(world.services).flatMap((s) => s.targetGroupArns);
      let fewestTargets = Number.POSITIVE_INFINITY;
      const queue = await sqsEventSource(world, {
        name: 'task-events',
        containers,
        faults,
        batchSize: 10,
        after: async () => {
          for (const tg of groups) fewestTargets = Math.min(fewestTargets, (await targetsOf(direct, tg)).length);
        },
      });
      await queue.send(events);
      const before = await membership(direct);

      // Act
      const delivery = await queue.drain();
      const { messages, heldBack } = await deliverAlertsApart(world, CONFIG, env, faults);
      const alerts = messages.filter((a) => a.id?.startsWith('ecs-task-stops/')).map((a) => JSON.stringify(a));

      // Assess
      expect(heldBack, 'the notifier delivered every queued alert').toEqual([]);
      const deadLetteredTasks = new Set(delivery.deadLettered.map((e) => (e as TaskEvent).detail.taskArn));
      const after = await membership(direct);
      const label = (t: WorldTask) => `${t.ip}:${t.port}`;
      const removed = Object.entries(before).flatMap(([tg, targets]) =>
        targets.filter((t) => !after[tg]?.includes(t)).map((t) => `${tg} ${t}`),
      );
      const deregistered = landedDeregistrations(faults);
      expect(deregistered.length, '0 double deregistrations').toBe(new Set(deregistered).size);
      expect(new Set(deregistered), 'every removal landed through one deregistration').toEqual(new Set(removed));
      const kept = new Set(Object.values(after).flat());
      for (const t of web.slice(3)) expect(kept, 'running tasks keep their targets').toContain(label(t));
      const notDeadLettered = stopped.filter((t) => !deadLetteredTasks.has(t.taskArn));
      expect(
        notDeadLettered.filter((t) => kept.has(label(t))),
        'every stop not in the DLQ applied, but the last target of api',
      ).toHaveLength(1);
      expect(fewestTargets, '0 target groups emptied').toBeGreaterThan(0);
      for (const t of stopped) {
        const id = t.taskArn.split('/').pop()?.slice(0, 8) as string;
        const reports = alerts.filter((a) => a.includes(id)).length;
        expect(reports, `task ${id} reported at most once: 0 duplicate alerts`).toBeLessThanOrEqual(1);
        if (!deadLetteredTasks.has(t.taskArn)) expect(reports, `task ${id} reported: 0 lost alerts`).toBe(1);
      }
      for (const t of jobs) {
        expect(deadLetteredTasks, 'the stop whose group could not be read is in the DLQ').toContain(t.taskArn);
        expect(kept, 'and its target is untouched').toContain(label(t));
      }
      expect(faults.totalInjected(), 'faults were injected').toBeGreaterThan(0);
      expect(delivery.failures, 'the faults returned messages to the queue').toBeGreaterThan(0);
    },
  );
});

type TaskEvent = { detail: { taskArn: string } };
