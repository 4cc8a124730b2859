import { describe, expect, it } from 'vitest';
import { CLOUDFORMATION_STACK_TAG, checkCanaryTargetGroups } from '#shared/audit/checks/canary-target-groups.js';
import type { AuditObservation, ObservedRule } from '#shared/audit/types.js';
import { CANARY_RULE, cleanObservation, LB, SERVICE, TG_BLUE, TG_GREEN, web } from './audit/observation.js';

const TG_OTHER = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/other/1';

function canaryRule(observed: AuditObservation): ObservedRule {
  const found = observed.loadBalancers[LB]?.listeners[1]?.rules[0];
  if (found === undefined) throw new Error('no canary rule');
  return found;
}

const sticky = (observed: AuditObservation, ...arns: string[]) => {
  for (const arn of arns) Object.assign(observed.targetGroups[arn] ?? {}, { stickinessEnabled: true });
};

describe('Audit check 6: whose split it is', () => {
  it('puts a split under the service using one of its target groups, even when the service uses others too', () => {
    // Prepare
    const observed = cleanObservation();
    sticky(observed, TG_GREEN);
    web(observed).loadBalancers.push({ targetGroupArn: TG_OTHER, containerName: 'app', containerPort: 8080 });

    // Act
    const owners = checkCanaryTargetGroups(observed).map((f) => [f.clusterName, f.serviceName]);

    // Assess
    expect(owners).toEqual([['prod', 'web']]);
  });

  it('lists the sticky target groups of a split in name order, whatever order the split names them in', () => {
    // Prepare
    const observed = cleanObservation();
    sticky(observed, TG_BLUE, TG_GREEN);
    const forward = canaryRule(observed).actions[0]?.forward;
    if (forward === undefined) throw new Error('no forward action');
    forward.targetGroups.reverse();

    // Act
    const facts = checkCanaryTargetGroups(observed).map((f) => f.facts.stickyGroups);

    // Assess
    expect(facts).toEqual([[TG_BLUE, TG_GREEN].sort().join(',')]);
  });

  it('counts ECS as an owner when any of the service’s target groups names the rule', () => {
    // Prepare
    const observed = cleanObservation();
    canaryRule(observed).tags = { [CLOUDFORMATION_STACK_TAG]: 'web-stack' };
    web(observed).deploymentStrategy = 'CANARY';
    web(observed).loadBalancers = [
      { targetGroupArn: TG_OTHER, containerName: 'app', containerPort: 8080 },
      { targetGroupArn: TG_BLUE, containerName: 'app', containerPort: 8080, productionListenerRule: CANARY_RULE },
    ];

    // Act
    const owners = checkCanaryTargetGroups(observed).map((f) => f.facts.owners);

    // Assess
    expect(owners).toEqual(['ECS (CANARY deployments of web) | CloudFormation stack web-stack']);
  });
});

describe('Audit check 6: configured canaries before their first split', () => {
  it('names the service that uses the sticky target group, not another one of the cluster', () => {
    // Prepare
    const observed = cleanObservation();
    canaryRule(observed).actions = [];
    sticky(observed, TG_GREEN);
    observed.canaryTargetGroupArns = [TG_GREEN];
    const api = {
      ...web(observed),
      serviceName: 'api',
      serviceArn: `${SERVICE}-api`,
      loadBalancers: [{ targetGroupArn: TG_OTHER }],
    };
    observed.services.unshift(api);

    // Act
    const findings = checkCanaryTargetGroups(observed).map((f) => [f.resource, f.serviceName]);

    // Assess
    expect(findings).toEqual([[TG_GREEN, 'web']]);
  });

  it('finds nothing for a configured target group it could not read', () => {
    // Prepare
    const observed = cleanObservation();
    canaryRule(observed).actions = [];
    observed.canaryTargetGroupArns = [TG_OTHER];

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings).toEqual([]);
  });
});
