import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { ECS_DESIRED_COUNT, type ScalableTarget, scalableTargetResourceId } from './scalable-target.js';

/** The scalable targets of a cluster's services that Application Auto Scaling manages, by service name, in one call. */
export async function readScalableTargets(
  autoScaling: ApplicationAutoScalingClient,
  clusterName: string,
  serviceNames: readonly string[],
): Promise<Map<string, ScalableTarget>> {
  const byResource = new Map(serviceNames.map((name) => [scalableTargetResourceId(clusterName, name), name]));
  const out = await autoScaling.send(
    new DescribeScalableTargetsCommand({ ...ECS_DESIRED_COUNT, ResourceIds: [...byResource.keys()] }),
  );
  const found = new Map<string, ScalableTarget>();
  for (const target of out.ScalableTargets ?? []) {
    const name = byResource.get(target.ResourceId ?? '');
    if (name === undefined) continue;
    found.set(name, {
      resourceId: target.ResourceId as string,
      min: target.MinCapacity ?? 0,
      max: target.MaxCapacity ?? 0,
    });
  }
  return found;
}
