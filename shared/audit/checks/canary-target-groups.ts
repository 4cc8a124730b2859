import { targetGroupNameOf } from '../../aws/arn.js';
import { auditConsole, loadBalancerLabel } from '../console.js';
import type { AuditObservation, FindingDraft, ObservedListener, ObservedRule } from '../types.js';

/** ECS deployment strategies under which ECS itself shifts the weights of the rules a service names. */
const ECS_WEIGHT_STRATEGIES = ['BLUE_GREEN', 'LINEAR', 'CANARY'];
/** The tag CloudFormation puts on every resource of a stack: the template re-applies the rule's weights. */
export const CLOUDFORMATION_STACK_TAG = 'aws:cloudformation:stack-name';

/** Who writes this rule's weights besides whoever looks at it: ECS, CodeDeploy, a stack, our canary. */
function weightOwners(observed: AuditObservation, listener: ObservedListener, rule: ObservedRule, groups: string[]) {
  const owners: string[] = [];
  const ruleOrListener = rule.isDefault ? [rule.arn, listener.arn] : [rule.arn];
  const named = (arn?: string) => arn !== undefined && ruleOrListener.includes(arn);
  for (const service of observed.services) {
    const links = service.loadBalancers;
    if (
      service.deploymentController === 'ECS' &&
      ECS_WEIGHT_STRATEGIES.includes(service.deploymentStrategy ?? '') &&
      links.some((l) => named(l.productionListenerRule) || named(l.testListenerRule))
    ) {
      owners.push(`ECS (${service.deploymentStrategy} deployments of ${service.serviceName})`);
    }
    if (service.deploymentController === 'CODE_DEPLOY' && links.some((l) => groups.includes(l.targetGroupArn ?? ''))) {
      owners.push(`CodeDeploy (deployments of ${service.serviceName})`);
    }
  }
  const stack = rule.tags[CLOUDFORMATION_STACK_TAG];
  if (stack !== undefined) owners.push(`CloudFormation stack ${stack}`);
  if (ruleOrListener.some((arn) => observed.canaryRuleArns.includes(arn))) owners.push('the ecs-autopilot canary');
  return owners;
}

/**
 * Check 6: weighted forward actions (a canary's split) with stickiness, which pins sessions to the side they first
 * reached, and weights written by more than one owner (ECS's strategies, CodeDeploy, a CloudFormation stack, our
 * canary), which undo one another's shifts.
 */
export function checkCanaryTargetGroups(observed: AuditObservation): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const reportedSticky = new Set<string>();
  for (const loadBalancer of Object.values(observed.loadBalancers)) {
    for (const listener of loadBalancer.listeners) {
      for (const rule of listener.rules) {
        const forward = rule.actions.find((a) => a.forward && a.forward.targetGroups.length >= 2)?.forward;
        if (forward === undefined) continue;
        const groups = forward.targetGroups.map((g) => g.arn);
        const service = observed.services.find((s) =>
          s.loadBalancers.some((l) => groups.includes(l.targetGroupArn ?? '')),
        );
        const owner = {
          clusterName: service?.clusterName ?? '-',
          ...(service && { serviceName: service.serviceName }),
        };
        const where = `${rule.isDefault ? 'the default action' : 'a rule'} of ${loadBalancerLabel(loadBalancer.arn)} ${listener.protocol}:${listener.port}`;
        const split = forward.targetGroups.map((g) => `${targetGroupNameOf(g.arn)} ${g.weight}`).join(' / ');
        const stickyGroups = groups.filter((arn) => observed.targetGroups[arn]?.stickinessEnabled);
        for (const arn of groups) reportedSticky.add(arn);
        if (forward.stickinessEnabled || stickyGroups.length > 0) {
          const sticky = [
            ...(forward.stickinessEnabled ? ['the forward action (target group stickiness)'] : []),
            ...stickyGroups.map((arn) => `target group ${targetGroupNameOf(arn)}`),
          ];
          findings.push({
            check: 'canary-target-groups',
            kind: 'sticky-canary',
            severity: 'warning',
            ...owner,
            resource: rule.arn,
            problem: `${where} splits traffic ${split}, and stickiness is on for ${sticky.join(' and ')}`,
            impact:
              'a weight shift then moves only sessions that have no cookie yet: the canary sees few users, its judgement rests on thin evidence, and a rollback leaves sessions pinned to it',
            fix: 'turn stickiness off on the canary target groups and the forward action, or keep sticky services out of weighted canaries',
            consoleUrl: auditConsole.listener(observed.region, listener.arn),
            facts: { forwardStickiness: forward.stickinessEnabled, stickyGroups: stickyGroups.sort().join(',') },
          });
        }
        const owners = weightOwners(observed, listener, rule, groups);
        if (owners.length >= 2) {
          findings.push({
            check: 'canary-target-groups',
            kind: 'weights-managed-twice',
            severity: 'warning',
            ...owner,
            resource: rule.arn,
            problem: `the weights of ${where} (${split}) are written by ${owners.join(' and ')}`,
            impact:
              'each owner sets the weights it wants: a stack update in the middle of a deployment sends production traffic back or forward at once, past every bake and alarm',
            fix: "leave the weights to one owner: e.g. ignore the rule's actions in the template (CDK/CloudFormation) while ECS deploys the service, or drop the canary of the other tool",
            consoleUrl: auditConsole.listener(observed.region, listener.arn),
            facts: { owners: owners.join(' | ') },
          });
        }
      }
    }
  }
  findings.push(...stickyConfiguredCanaries(observed, reportedSticky));
  return findings;
}

/** Sticky target groups of a configured canary that no weighted split shows yet (e.g. before its first step). */
function stickyConfiguredCanaries(observed: AuditObservation, reported: Set<string>): FindingDraft[] {
  return observed.canaryTargetGroupArns
    .filter((arn) => !reported.has(arn) && observed.targetGroups[arn]?.stickinessEnabled)
    .map((arn) => {
      const service = observed.services.find((s) => s.loadBalancers.some((l) => l.targetGroupArn === arn));
      return {
        check: 'canary-target-groups' as const,
        kind: 'sticky-canary',
        severity: 'warning' as const,
        clusterName: service?.clusterName ?? '-',
        ...(service && { serviceName: service.serviceName }),
        resource: arn,
        problem: `target group ${targetGroupNameOf(arn)} of a canary in ecs-autopilot.yml has stickiness on`,
        impact:
          'once the canary shifts weight, only sessions without a cookie move: the canary sees few users and a rollback leaves sessions pinned to it',
        fix: `turn stickiness off on ${targetGroupNameOf(arn)} (stickiness.enabled=false)`,
        consoleUrl: auditConsole.targetGroup(observed.region, arn),
        facts: { forwardStickiness: false, stickyGroups: arn },
      };
    });
}
