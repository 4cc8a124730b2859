import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { faultSeeds, injectFaults, landedDeregistrations } from '#local/fault-injection.js';
import { asyncInvocations } from '#local/lambda-delivery.js';
import { stampStoppedTasks, timeOutAfterWrite } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { membership, provisionWorld, type World } from '#local/world.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { deliverAlertsApart } from '#test/support/outbox-delivery.js';
import { RECONCILER_CONFIG } from '#test/support/reconciler-fixtures.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

describe('Function: reconciler under faults', () => {
  let world: World;

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 4, targetGroups: 2 },
        { name: 'api', tasks: 2 },
      ],
    });
  });

  it.each(faultSeeds(6_0))(
    'removes each orphan once, never empties a group, and alerts every sweep and every removal, through throttles, 5xx, timeouts and redelivery (seed %i)',
    async (seed) => {
      // Prepare: two web tasks and both api tasks stopped an hour ago with their targets left behind; 10 % of the
      // function's calls fail, seeded, and the first deregistration lands and times out; each schedule fires
      // twice (at least once delivery) and Lambda retries a failed sweep.
      const ecs = new ECSClient({ endpoint, region: world.region });
      const orphans = [...(world.services.web?.tasks.slice(0, 2) ?? []), ...(world.services.api?.tasks ?? [])];
      for (const t of orphans) await ecs.send(new StopTaskCommand({ cluster: 'prod', task: t.taskArn }));
      stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000));
      const direct = { ...world, endpoint };
      const before = await membership(direct);
      const faults = injectFaults(proxy, { seed, appliesTo: () => true });
      timeOutAfterWrite(proxy, 'elasticloadbalancing:DeregisterTargets', 1, 1_500);
      const env = { AWS_REQUEST_TIMEOUT_MS: '500' };
      const first = await coldContainer(world, 'reconciler', RECONCILER_CONFIG, env);
      const second = await coldContainer(world, 'reconciler', RECONCILER_CONFIG, env);
      let fewestTargets = Number.POSITIVE_INFINITY;
      const lambda = asyncInvocations({
        containers: [first, second],
        faults,
        after: async () => {
          const now = await membership(direct);
          fewestTargets = Math.min(fewestTargets, ...Object.values(now).map((targets) => targets.length));
        },
      });
      const sweeps = 3;

      // Act
      for (let i = 0; i < sweeps; i++) await lambda.deliver(scheduledEvent(world));
      const { messages: alerts, heldBack } = await deliverAlertsApart(world, RECONCILER_CONFIG, env, faults);

      // Assess
      expect(heldBack, 'the notifier delivered every queued alert').toEqual([]);
      const after = await membership(direct);
      const removed = Object.entries(before).flatMap(([tg, targets]) =>
        targets.filter((t) => !after[tg]?.includes(t)).map((t) => `${tg} ${t}`),
      );
      const deregistered = landedDeregistrations(faults);
      const label = (t: { ip: string; port: number }) => `${t.ip}:${t.port}`;
      expect(deregistered.length, '0 double deregistrations').toBe(new Set(deregistered).size);
      expect(new Set(deregistered), 'every removal landed through one deregistration').toEqual(new Set(removed));
      const webOrphans = world.services.web?.tasks.slice(0, 2).map(label) ?? [];
      if (lambda.stats.deadLettered.length < sweeps)
        expect(
          removed.filter((r) => webOrphans.some((o) => r.endsWith(o))),
          'both web orphans gone from both groups',
        ).toHaveLength(4);
      expect(
        after[world.services.api?.targetGroupArns[0] as string],
        'never-empty keeps every api target',
      ).toHaveLength(2);
      expect(fewestTargets, '0 target groups emptied').toBeGreaterThan(0);
      // One alert per sweep that was not dead-lettered, and a second only where a schedule's two deliveries swept
      // differently (one removed what the other could not read).
      expect(alerts.length, 'at least one alert per sweep: 0 lost').toBeGreaterThanOrEqual(
        sweeps - lambda.stats.deadLettered.length,
      );
      // Each group's removal is in exactly one alert, whichever sweep made it (two deliveries of one schedule may
      // each remove the orphans of a group the other could not read).
      const lines = alerts.map((a) => a.content.description.split('\n'));
      for (const tg of world.services.web?.targetGroupArns ?? []) {
        const name = tg.split('/')[1];
        expect(
          lines.filter((l) =>
            l.some((line) => line.startsWith('• deregister ') && line.includes(` from target group ${name} (`)),
          ),
          `the removal of the web orphans from ${name} alerted once`,
        ).toHaveLength(removed.some((r) => r.startsWith(`${tg} `)) ? 1 : 0);
      }
      expect(faults.totalInjected(), 'faults were injected').toBeGreaterThan(0);
    },
  );
});
