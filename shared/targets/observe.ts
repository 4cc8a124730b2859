import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Target, TargetGroupHealth } from './types.js';

/**
 * A target group's targets with their health, in one ELB call: every target, or only those named. A named target that
 * ELB does not know is reported `not-registered` (ELB itself says `unused` or `unavailable` with `Target.NotRegistered`).
 */
export async function observeTargetGroupHealth(
  elbv2: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
  only?: readonly Target[],
): Promise<TargetGroupHealth> {
  const out = await elbv2.send(
    new DescribeTargetHealthCommand({
      TargetGroupArn: targetGroupArn,
      ...(only ? { Targets: only.map((t) => ({ Id: t.id, Port: t.port })) } : {}),
    }),
  );
  return {
    targetGroupArn,
    targets: (out.TargetHealthDescriptions ?? []).map((d) => ({
      id: d.Target?.Id ?? '',
      port: d.Target?.Port ?? 0,
      state:
        d.TargetHealth?.Reason === 'Target.NotRegistered' ? 'not-registered' : (d.TargetHealth?.State ?? 'unknown'),
      reason: d.TargetHealth?.Reason,
    })),
  };
}
