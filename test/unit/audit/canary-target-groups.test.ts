import { describe, expect, it } from 'vitest';
import { CLOUDFORMATION_STACK_TAG, checkCanaryTargetGroups } from '#shared/audit/checks/canary-target-groups.js';
import type { AuditObservation } from '#shared/audit/types.js';
import { CANARY_RULE, cleanObservation, HTTPS_LISTENER, LB, TG_BLUE, TG_GREEN, web } from './observation.js';

function canaryRule(observed: AuditObservation) {
  const rule = observed.loadBalancers[LB]?.listeners[1]?.rules[0];
  if (rule === undefined) throw new Error('no canary rule');
  return rule;
}

/** The service deploys with ECS's own LINEAR strategy, naming the canary rule as its production rule. */
function deployedByEcs(observed: AuditObservation) {
  const service = web(observed);
  service.deploymentStrategy = 'LINEAR';
  service.loadBalancers = [
    { targetGroupArn: TG_BLUE, containerName: 'app', containerPort: 8080, productionListenerRule: CANARY_RULE },
  ];
}

describe('Audit check 6: checkCanaryTargetGroups', () => {
  it('finds nothing on a weighted split without stickiness whose weights have one owner', () => {
    // Prepare
    const observed = cleanObservation();
    deployedByEcs(observed);

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('finds stickiness on a target group of a weighted split', () => {
    // Prepare
    const observed = cleanObservation();
    const green = observed.targetGroups[TG_GREEN];
    if (green === undefined) throw new Error('no green target group');
    green.stickinessEnabled = true;

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'sticky-canary',
        resource: CANARY_RULE,
        facts: { forwardStickiness: false, stickyGroups: TG_GREEN },
      }),
    ]);
    expect(findings[0]?.problem).toContain('splits traffic web-blue 90 / web-green 10');
  });

  it('finds stickiness on the weighted forward action itself', () => {
    // Prepare
    const observed = cleanObservation();
    const forward = canaryRule(observed).actions[0]?.forward;
    if (forward === undefined) throw new Error('no forward action');
    forward.stickinessEnabled = true;

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings.map((f) => f.kind)).toEqual(['sticky-canary']);
  });

  it('finds stickiness on a target group a configured canary names, before any split', () => {
    // Prepare
    const observed = cleanObservation();
    const green = observed.targetGroups[TG_GREEN];
    if (green === undefined) throw new Error('no green target group');
    green.stickinessEnabled = true;
    canaryRule(observed).actions = [];
    observed.canaryTargetGroupArns = [TG_BLUE, TG_GREEN];

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings).toEqual([expect.objectContaining({ kind: 'sticky-canary', resource: TG_GREEN })]);
  });

  it('leaves stickiness alone on a target group that takes all traffic alone', () => {
    // Prepare
    const observed = cleanObservation();
    const blue = observed.targetGroups[TG_BLUE];
    if (blue === undefined) throw new Error('no blue target group');
    blue.stickinessEnabled = true;
    canaryRule(observed).actions = [];

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('finds weights that ECS shifts and a CloudFormation stack also writes', () => {
    // Prepare
    const observed = cleanObservation();
    deployedByEcs(observed);
    canaryRule(observed).tags = { [CLOUDFORMATION_STACK_TAG]: 'web-stack' };

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'weights-managed-twice',
        resource: CANARY_RULE,
        facts: { owners: 'ECS (LINEAR deployments of web) | CloudFormation stack web-stack' },
      }),
    ]);
  });

  it('finds weights that our canary shifts on a rule a CloudFormation stack writes', () => {
    // Prepare
    const observed = cleanObservation();
    canaryRule(observed).tags = { [CLOUDFORMATION_STACK_TAG]: 'web-stack' };
    observed.canaryRuleArns = [CANARY_RULE];

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings.map((f) => f.facts.owners)).toEqual(['CloudFormation stack web-stack | the ecs-autopilot canary']);
  });

  it('leaves a stack-managed split alone when nothing else shifts its weights', () => {
    // Prepare
    const observed = cleanObservation();
    canaryRule(observed).tags = { [CLOUDFORMATION_STACK_TAG]: 'web-stack' };

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings).toEqual([]);
    expect(HTTPS_LISTENER).toContain('listener/app/prod-alb');
  });
});
