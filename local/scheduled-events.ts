import type { World } from './world.js';

/** The event an EventBridge schedule sends at `at`, as the reconciler receives it. */
export function scheduledEvent(world: Pick<World, 'account' | 'region'>, at = new Date()) {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: world.account,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: world.region,
    resources: [`arn:aws:events:${world.region}:${world.account}:rule/ecs-autopilot-dev-reconciler`],
    detail: {},
  };
}
