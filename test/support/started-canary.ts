import { ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { canaryDriver, healthy } from '#local/canary-driver.js';
import { type CanaryWorld, canaryClients, gateAlarm, provisionCanaryWorld } from '#local/canary-world.js';
import type { MotoProxy } from '#local/moto-proxy.js';
import { refuseInvalidWeights } from '#local/moto-proxy-rules.js';

/** A Thursday, 06:00 UTC: when the tick tests' canaries start. */
export const CANARY_START = '2026-11-26T06:00:00.000Z';

/**
 * The canary `web` started on a fresh world behind `proxy` (which refuses invalid weights, as AWS does), its gate
 * alarm OK. With `capacity`, its first tick has given the green side its release and capacity: the next tick writes
 * the first weight (5 %).
 */
export async function startedCanary(proxy: MotoProxy, options: { capacity: boolean }) {
  refuseInvalidWeights(proxy);
  const world = await provisionCanaryWorld(proxy.endpoint);
  await gateAlarm(world, 'web-5xx', 'OK');
  const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: CANARY_START });
  await driver.start();
  if (options.capacity) await driver.tick({ canary: healthy(0), stable: healthy(1) });
  return { world, driver };
}

/** Someone sets the rule's weights by hand (the console, an IaC deploy), straight to moto: no proxy rule applies. */
export async function setWeightsByHand(world: CanaryWorld, weights: { blue: number; green: number }): Promise<void> {
  await canaryClients(world.endpoint).elbv2.send(
    new ModifyRuleCommand({
      RuleArn: world.ruleArn,
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: world.blueTargetGroupArn, Weight: weights.blue },
              { TargetGroupArn: world.greenTargetGroupArn, Weight: weights.green },
            ],
          },
        },
      ],
    }),
  );
}
