import {
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { DescribeRulesCommand, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { serviceClusterNameOf } from '../../aws/arn.js';
import { AutopilotError } from '../../errors.js';
import type { BlueGreenWiring, ForwardRule } from './types.js';

/** The service a lifecycle hook was invoked for is not there (deleted, or another account or region). */
export class HookServiceNotFoundError extends AutopilotError {
  constructor(serviceArn: string, options?: { cause?: unknown }) {
    super(`service ${serviceArn} was not found: check the hook's account and region`, options);
    this.name = 'HookServiceNotFoundError';
  }
}

/** The service as the hook needs it: its blue/green wiring and the alarms of its deployment configuration. */
export async function observeService(
  ecs: ECSClient,
  serviceArn: string,
): Promise<{ wiring?: BlueGreenWiring; deploymentAlarms: string[] }> {
  const cluster = serviceClusterNameOf(serviceArn);
  const out = await ecs.send(new DescribeServicesCommand({ services: [serviceArn], cluster }));
  const service: Service | undefined = out.services?.[0];
  if (service === undefined) throw new HookServiceNotFoundError(serviceArn);
  const lb = service.loadBalancers?.find((entry) => entry.advancedConfiguration !== undefined);
  const advanced = lb?.advancedConfiguration;
  const alarms = service.deploymentConfiguration?.alarms;
  const deploymentAlarms = alarms?.enable ? (alarms.alarmNames ?? []) : [];
  if (lb?.targetGroupArn === undefined || advanced?.alternateTargetGroupArn === undefined) return { deploymentAlarms };
  if (advanced.productionListenerRule === undefined) return { deploymentAlarms };
  return {
    wiring: {
      targetGroupArn: lb.targetGroupArn,
      alternateTargetGroupArn: advanced.alternateTargetGroupArn,
      productionListenerRule: advanced.productionListenerRule,
      ...(advanced.testListenerRule ? { testListenerRule: advanced.testListenerRule } : {}),
    },
    deploymentAlarms,
  };
}

/**
 * The target group ECS resolved for the target revision, or undefined when it does not say (a revision without a
 * resolved configuration, or an endpoint that does not know the call): the planner then tells green by weights.
 */
export async function observeRevisionTargetGroup(
  ecs: ECSClient,
  revisionArn: string,
  candidates: string[],
): Promise<string | undefined> {
  try {
    const out = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [revisionArn] }));
    const resolved = out.serviceRevisions?.[0]?.resolvedConfiguration?.loadBalancers ?? [];
    return resolved.map((lb) => lb.targetGroupArn).find((arn) => arn !== undefined && candidates.includes(arn));
  } catch (error) {
    // Unanswered is not fatal: green is then told by the weights, and the rule check still runs.
    const unanswered = ['UnknownOperationException', 'InvalidAction', 'NotImplemented', 'AccessDeniedException'];
    if (unanswered.includes((error as Error).name)) {
      return undefined;
    }
    throw error;
  }
}

/** Listener rules by ARN, with their action types and weighted forward target groups; absent ones are left out. */
export async function observeRules(elb: ElasticLoadBalancingV2Client, ruleArns: string[]): Promise<ForwardRule[]> {
  if (ruleArns.length === 0) return [];
  try {
    const out = await elb.send(new DescribeRulesCommand({ RuleArns: ruleArns }));
    return (out.Rules ?? []).map((rule) => {
      const actions = rule.Actions ?? [];
      const forward = actions.find((action) => action.Type === 'forward');
      const groups = forward?.ForwardConfig?.TargetGroups?.length
        ? forward.ForwardConfig.TargetGroups.map((tg) => ({ arn: tg.TargetGroupArn ?? '', weight: tg.Weight ?? 1 }))
        : forward?.TargetGroupArn
          ? [{ arn: forward.TargetGroupArn, weight: 1 }]
          : [];
      return { ruleArn: rule.RuleArn ?? '', actionTypes: actions.map((a) => a.Type ?? ''), targetGroups: groups };
    });
  } catch (error) {
    if ((error as Error).name === 'RuleNotFoundException') {
      if (ruleArns.length === 1) return [];
      const found = await Promise.all(ruleArns.map((arn) => observeRules(elb, [arn])));
      return found.flat();
    }
    throw error;
  }
}
