import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { faultSeeds, injectFaults } from '#local/fault-injection.js';
import { asyncInvocations } from '#local/lambda-delivery.js';
import type { AwsCall } from '#local/moto-proxy.js';
import { timeOutAfterWrite } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { provisionWorld, targetsOf, type World } from '#local/world.js';
import { alarmConfig, CPU_HIGH, UNHEALTHY_HOSTS } from '#test/support/alarm-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { deliverAlertsApart } from '#test/support/outbox-delivery.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = alarmConfig([UNHEALTHY_HOSTS, { ...CPU_HIGH, step: 1, cooldownSeconds: 0 }], {
  web: { scaling: { minCount: 1, maxCount: 50 } },
});

/** The calls the alarm function makes; the harness's own reads and the notifier are left alone. */
const SERVICES = new Set(['ecs', 'elasticloadbalancing', 'application-autoscaling', 'dynamodb']);
const isFunctionCall = (call: AwsCall) =>
  SERVICES.has(call.service ?? '') || (call.service === 'sqs' && call.operation === 'SendMessage');

describe('Function: alarm-state-change under faults', () => {
  let world: World;
  let tg: string;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 6 }] });
    tg = world.services.web?.targetGroupArns[0] as string;
  });

  const desiredCount = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0]?.desiredCount;

  it.each(faultSeeds(20261126))(
    'scales once and deregisters once per episode, and alerts each once, through throttles, 5xx, timeouts and redelivery (seed %i)',
    async (seed) => {
      // Prepare: 10 % of the function's calls throttled, failed with a 500 or timed out after they landed, seeded; the
      // first UpdateService and DeregisterTargets land and then time out; the first alert cannot be queued at all; every
      // event is retried by Lambda while it fails and delivered twice.
      const faults = injectFaults(proxy, { seed, appliesTo: isFunctionCall });
      timeOutAfterWrite(proxy, 'ecs:UpdateService', 1, 1_500);
      // The first alert cannot be queued through every SDK attempt: the invocation fails after its change landed.
      proxy.failWith5xx('sqs:SendMessage', 4);
      timeOutAfterWrite(proxy, 'elasticloadbalancing:DeregisterTargets', 1, 1_500);
      const env = { AWS_REQUEST_TIMEOUT_MS: '500' };
      const first = await coldContainer(world, 'alarm-state-change', CONFIG, env);
      const second = await coldContainer(world, 'alarm-state-change', CONFIG, env);
      let fewestTargets = Number.POSITIVE_INFINITY;
      const lambda = asyncInvocations({
        containers: [first, second],
        faults,
        after: async () => {
          fewestTargets = Math.min(fewestTargets, (await targetsOf(world, tg)).length);
        },
      });
      const deliver = lambda.deliver;
      const startedAt = Date.now() - 60_000;
      const at = (i: number) => new Date(startedAt + i * 1_000).toISOString();
      const tasks = world.services.web?.tasks ?? [];

      // Act: four CPU episodes and three unhealthy-target episodes, interleaved
      for (let i = 0; i < 4; i++) {
        await deliver(
          alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' }, at: at(i * 2) }),
        );
        if (i === 3) break;
        const task = tasks[i] as { ip: string; port: number };
        proxy.setTargetHealth(tg, { id: task.ip, port: task.port }, 'unhealthy');
        await deliver(
          alarmStateChangeEvent(world, {
            alarmName: 'prod-web-unhealthy-hosts',
            subject: { targetGroupArn: tg },
            at: at(i * 2 + 1),
          }),
        );
      }
      const { messages: alerts, heldBack } = await deliverAlertsApart(world, CONFIG, env, faults);
      const perIncident = new Map<string, number>();
      for (const alert of alerts) perIncident.set(alert.id ?? '', (perIncident.get(alert.id ?? '') ?? 0) + 1);

      // Assess
      expect(heldBack, 'the notifier delivered every queued alert').toEqual([]);
      expect(await desiredCount(), 'one step per CPU episode: 0 double scale-outs').toBe(6 + 4);
      expect((await targetsOf(world, tg)).length, 'one target per unhealthy-hosts episode').toBe(6 - 3);
      expect(fewestTargets, '0 target groups emptied').toBeGreaterThan(0);
      expect(perIncident.size, '0 lost alerts: one incident per episode').toBe(7);
      expect([...perIncident.values()], '0 duplicate chat messages').toEqual(Array(7).fill(1));
      expect(
        lambda.stats.failures,
        'the faults made invocations fail, so Lambda retries were exercised',
      ).toBeGreaterThan(0);
      expect(lambda.stats.deadLettered, 'every episode applied, none left in the DLQ').toEqual([]);
      expect(faults.landedCounts()['ecs:UpdateService'], 'one UpdateService landed per CPU episode').toBe(4);
      expect(faults.landedCounts()['elasticloadbalancing:DeregisterTargets'], 'one per unhealthy-hosts episode').toBe(
        3,
      );
    },
  );
});
