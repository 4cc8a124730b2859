import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import type { ScalableTarget } from '../services/types.js';

/** The service's scalable target, if Application Auto Scaling manages its desired count. */
export async function describeScalableTarget(
  autoScaling: ApplicationAutoScalingClient,
  clusterName: string,
  serviceName: string,
): Promise<ScalableTarget | undefined> {
  const resourceId = `service/${clusterName}/${serviceName}`;
  const out = await autoScaling.send(
    new DescribeScalableTargetsCommand({
      ServiceNamespace: 'ecs',
      ResourceIds: [resourceId],
      ScalableDimension: 'ecs:service:DesiredCount',
    }),
  );
  const target = out.ScalableTargets?.[0];
  if (!target) return undefined;
  return { resourceId, min: target.MinCapacity ?? 0, max: target.MaxCapacity ?? 0 };
}
