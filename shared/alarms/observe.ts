import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { ECS_DESIRED_COUNT, type ScalableTarget, scalableTargetResourceId } from '../services/scalable-target.js';

/** The service's scalable target, if Application Auto Scaling manages its desired count. */
export async function describeScalableTarget(
  autoScaling: ApplicationAutoScalingClient,
  clusterName: string,
  serviceName: string,
): Promise<ScalableTarget | undefined> {
  const resourceId = scalableTargetResourceId(clusterName, serviceName);
  const out = await autoScaling.send(
    new DescribeScalableTargetsCommand({ ...ECS_DESIRED_COUNT, ResourceIds: [resourceId] }),
  );
  const target = out.ScalableTargets?.[0];
  if (!target) return undefined;
  return { resourceId, min: target.MinCapacity ?? 0, max: target.MaxCapacity ?? 0 };
}
