import { alerts, changedNothing } from '../claims.js';
import { say } from '../print.js';
import type { Scenario } from '../stage.js';

/** The service-event reaction: ECS's own news, reported and never acted on. */
export function serviceEventScenarios(): Scenario[] {
  return [
    {
      title: 'A deployment of web fails and the circuit breaker rolls it back: reported, nothing changed',
      claims: [changedNothing, alerts(1)],
      play: async (stage) => {
        const { world } = stage;
        const reason =
          'ECS deployment circuit breaker: tasks failed to start. Rolling back to deploymentId ecs-svc/1111111111111111111.';
        const rollback = {
          version: '0',
          id: crypto.randomUUID(),
          'detail-type': 'ECS Deployment State Change',
          source: 'aws.ecs',
          account: world.account,
          time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: world.region,
          resources: [world.services.web?.serviceArn],
          detail: {
            eventType: 'ERROR',
            eventName: 'SERVICE_DEPLOYMENT_FAILED',
            deploymentId: 'ecs-svc/8261420178316738291',
            updatedAt: new Date().toISOString(),
            reason,
          },
        };
        say('event', `ECS Deployment State Change: SERVICE_DEPLOYMENT_FAILED: "${reason}"`);
        const reaction = await stage.handlers.serviceEvent(rollback);
        return { audit: [], ignored: reaction.ignored };
      },
    },
  ];
}
