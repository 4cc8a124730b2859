import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ECS_DESIRED_COUNT, scalableTargetResourceId } from '#shared/services/scalable-target.js';
import { type CanaryWorld, canaryClients } from './canary-world.js';

const SIDES = ['web-blue', 'web-green'] as const;

function autoScaling(world: CanaryWorld) {
  return new ApplicationAutoScalingClient({
    endpoint: world.endpoint,
    region: world.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

/** Registers a side's desired count with Application Auto Scaling, as a user's IaC would. */
export async function registerScalableTarget(
  world: CanaryWorld,
  service: (typeof SIDES)[number],
  bounds: { min: number; max: number },
): Promise<void> {
  await autoScaling(world).send(
    new RegisterScalableTargetCommand({
      ...ECS_DESIRED_COUNT,
      ResourceId: scalableTargetResourceId(world.clusterName, service),
      MinCapacity: bounds.min,
      MaxCapacity: bounds.max,
    }),
  );
}

/** A side's scalable-target bounds now, or undefined without one. */
export async function scalableBounds(
  world: CanaryWorld,
  service: (typeof SIDES)[number],
): Promise<{ min?: number; max?: number } | undefined> {
  const out = await autoScaling(world).send(
    new DescribeScalableTargetsCommand({
      ...ECS_DESIRED_COUNT,
      ResourceIds: [scalableTargetResourceId(world.clusterName, service)],
    }),
  );
  const target = out.ScalableTargets?.[0];
  return target && { min: target.MinCapacity, max: target.MaxCapacity };
}

/**
 * What Application Auto Scaling does on its own and moto does not: a service whose desired count is below its
 * scalable target's minimum is scaled back up to it.
 */
export async function settleAutoScaling(world: CanaryWorld): Promise<void> {
  const { ecs } = canaryClients(world.endpoint);
  for (const service of SIDES) {
    const bounds = await scalableBounds(world, service);
    if (!bounds?.min) continue;
    const out = await ecs.send(new DescribeServicesCommand({ cluster: world.clusterName, services: [service] }));
    if ((out.services?.[0]?.desiredCount ?? 0) < bounds.min) {
      await ecs.send(new UpdateServiceCommand({ cluster: world.clusterName, service, desiredCount: bounds.min }));
    }
  }
}
