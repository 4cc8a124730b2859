import { beforeEach, describe, expect, it } from 'vitest';
import { faultSeeds, injectFaults } from '#local/fault-injection.js';
import { asyncInvocations } from '#local/lambda-delivery.js';
import { serverError } from '#local/moto-proxy.js';
import { timeOutAfterWrite } from '#local/moto-proxy-rules.js';
import { provisionWorld, type World } from '#local/world.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { deliverAlertsApart } from '#test/support/outbox-delivery.js';
import { worldEvent } from '#test/support/service-events.js';

const proxy = await useMotoProxy();

const CONFIG = prodClusterConfig('web', 'api');

const ALERTING = [
  'service-task-placement-failure',
  'service-task-start-impaired',
  'service-task-configuration-failure',
  'deployment-failed',
  'deployment-rollback-circuit-breaker',
];
const QUIET = ['service-steady-state', 'deployment-completed', 'deployment-in-progress'];

describe('Function: service-event under faults', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 0 },
        { name: 'api', tasks: 0 },
      ],
    });
  });

  it.each(faultSeeds(4_2))(
    'alerts each incident once or dead-letters its event, and nothing for quiet events, through throttles, 5xx, timeouts and redelivery (seed %i)',
    async (seed) => {
      // Prepare: 10 % of the function's calls fail, seeded; the first alert lands in the outbox and times out, the
      // next one cannot be queued through the SDK's retry; every event is delivered twice and retried while it fails.
      const faults = injectFaults(proxy, { seed, appliesTo: () => true });
      timeOutAfterWrite(proxy, 'sqs:SendMessage', 1, 1_500);
      const env = { AWS_REQUEST_TIMEOUT_MS: '500' };
      const first = await coldContainer(world, 'service-event', CONFIG, env);
      const second = await coldContainer(world, 'service-event', CONFIG, env);
      const lambda = asyncInvocations({ containers: [first, second], faults });
      const services = ['web', 'api'];
      let sends = 0;
      const failTwice = proxy.addRule({
        name: 'the second alert cannot be queued',
        match: (call) => call.operation === 'SendMessage' && ++sends >= 2 && sends <= 3,
        respond: (call) => serverError(call, 500),
      });

      // Act
      for (const service of services)
        for (const name of [...ALERTING, ...QUIET]) await lambda.deliver(worldEvent(world, name, service));
      failTwice();
      const { messages: alerts, heldBack } = await deliverAlertsApart(world, CONFIG, env, faults);

      // Assess
      expect(heldBack, 'the notifier delivered every queued alert').toEqual([]);
      const perIncident = new Map<string, number>();
      for (const alert of alerts) perIncident.set(alert.id ?? '', (perIncident.get(alert.id ?? '') ?? 0) + 1);
      const deadLettered = lambda.stats.deadLettered.length;
      const repeated = alerts.filter((a) => (perIncident.get(a.id ?? '') ?? 0) > 1);
      expect(
        repeated.map((a) => `${a.id}: ${a.content.title}`),
        '0 duplicate chat messages',
      ).toEqual([]);
      expect(
        perIncident.size + deadLettered,
        '0 lost alerts, and none for quiet events: each alerting event alerted once or in the DLQ',
      ).toBe(ALERTING.length * services.length);
      expect(faults.landedCounts()['sqs:SendMessage'] ?? 0, 'the outbox saw every alert').toBeGreaterThanOrEqual(
        perIncident.size,
      );
      expect(lambda.stats.failures, 'the faults made invocations fail').toBeGreaterThan(0);
    },
  );
});
