import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  type ElasticLoadBalancingV2Client,
  type Action as ElbAction,
} from '@aws-sdk/client-elastic-load-balancing-v2';

/** True for a listener rule ARN, false for a listener's. */
export const isRuleArn = (arn: string): boolean => arn.includes(':listener-rule/');

/** The whole action list of a listener rule, or of a listener's default action, read fresh. */
export async function readActionList(elbv2: ElasticLoadBalancingV2Client, actionArn: string): Promise<ElbAction[]> {
  if (isRuleArn(actionArn)) {
    const out = await elbv2.send(new DescribeRulesCommand({ RuleArns: [actionArn] }));
    return out.Rules?.[0]?.Actions ?? [];
  }
  const out = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [actionArn] }));
  return out.Listeners?.[0]?.DefaultActions ?? [];
}
