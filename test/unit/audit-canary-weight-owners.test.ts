import { describe, expect, it } from 'vitest';
import { CLOUDFORMATION_STACK_TAG, checkCanaryTargetGroups } from '#shared/audit/checks/canary-target-groups.js';
import type { AuditObservation, ObservedRule } from '#shared/audit/types.js';
import {
  CANARY_RULE,
  cleanObservation,
  DEFAULT_RULE,
  HTTPS_LISTENER,
  LB,
  TG_BLUE,
  TG_GREEN,
  web,
} from './audit/observation.js';

const LISTENER_URL = `https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#ListenerDetails:listenerArn=${encodeURIComponent(HTTPS_LISTENER)}`;
const SPLIT = [
  { arn: TG_BLUE, weight: 90 },
  { arn: TG_GREEN, weight: 10 },
];

function rule(observed: AuditObservation, index: number): ObservedRule {
  const found = observed.loadBalancers[LB]?.listeners[1]?.rules[index];
  if (found === undefined) throw new Error(`no rule ${index}`);
  return found;
}

/** The clean setup with its weighted split moved to the listener's default rule (the canary rule forwards to blue). */
function splitOnDefaultRule(): AuditObservation {
  const observed = cleanObservation();
  rule(observed, 0).actions = [
    { type: 'forward', forward: { targetGroups: [{ arn: TG_BLUE, weight: 1 }], stickinessEnabled: false } },
  ];
  rule(observed, 1).actions = [{ type: 'forward', forward: { targetGroups: SPLIT, stickinessEnabled: false } }];
  return observed;
}

const owners = (observed: AuditObservation) =>
  checkCanaryTargetGroups(observed).flatMap((f) => (f.kind === 'weights-managed-twice' ? [f.facts.owners] : []));
const STACK = { [CLOUDFORMATION_STACK_TAG]: 'web-stack' };

describe('Audit check 6: sticky canaries, as a platform team reads them', () => {
  it('names the forward action and each sticky target group, and what a weight shift then misses', () => {
    // Prepare
    const observed = cleanObservation();
    const forward = rule(observed, 0).actions[0]?.forward;
    if (forward === undefined) throw new Error('no forward action');
    forward.stickinessEnabled = true;
    for (const arn of [TG_GREEN, TG_BLUE]) Object.assign(observed.targetGroups[arn] ?? {}, { stickinessEnabled: true });

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'canary-target-groups',
        kind: 'sticky-canary',
        severity: 'warning',
        clusterName: 'prod',
        serviceName: 'web',
        resource: CANARY_RULE,
        problem:
          'a rule of prod-alb HTTPS:443 splits traffic web-blue 90 / web-green 10, and stickiness is on for the forward action (target group stickiness) and target group web-blue and target group web-green',
        impact:
          'a weight shift then moves only sessions that have no cookie yet: the canary sees few users, its judgement rests on thin evidence, and a rollback leaves sessions pinned to it',
        fix: 'turn stickiness off on the canary target groups and the forward action, or keep sticky services out of weighted canaries',
        consoleUrl: LISTENER_URL,
        facts: { forwardStickiness: true, stickyGroups: [TG_BLUE, TG_GREEN].sort().join(',') },
      },
    ]);
  });

  it("says the default action when the split is the listener's default, and '-' for a split no service uses", () => {
    // Prepare
    const observed = splitOnDefaultRule();
    Object.assign(observed.targetGroups[TG_GREEN] ?? {}, { stickinessEnabled: true });
    observed.services = [];

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings.map((f) => [f.clusterName, f.serviceName, f.resource, f.problem])).toEqual([
      [
        '-',
        undefined,
        DEFAULT_RULE,
        'the default action of prod-alb HTTPS:443 splits traffic web-blue 90 / web-green 10, and stickiness is on for target group web-green',
      ],
    ]);
  });

  it('tells how to turn stickiness off on a configured canary that has not split traffic yet', () => {
    // Prepare
    const observed = cleanObservation();
    rule(observed, 0).actions = [];
    Object.assign(observed.targetGroups[TG_GREEN] ?? {}, { stickinessEnabled: true });
    observed.canaryTargetGroupArns = [TG_BLUE, TG_GREEN];

    // Act
    const findings = checkCanaryTargetGroups(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'canary-target-groups',
        kind: 'sticky-canary',
        severity: 'warning',
        clusterName: 'prod',
        serviceName: 'web',
        resource: TG_GREEN,
        problem: 'target group web-green of a canary in ecs-autopilot.yml has stickiness on',
        impact:
          'once the canary shifts weight, only sessions without a cookie move: the canary sees few users and a rollback leaves sessions pinned to it',
        fix: 'turn stickiness off on web-green (stickiness.enabled=false)',
        consoleUrl: expect.stringContaining(encodeURIComponent(TG_GREEN)),
        facts: { forwardStickiness: false, stickyGroups: TG_GREEN },
      },
    ]);
  });

  it('reports a configured canary already shown in a split once, and one no service uses under "-"', () => {
    // Prepare
    const shown = cleanObservation();
    Object.assign(shown.targetGroups[TG_GREEN] ?? {}, { stickinessEnabled: true });
    shown.canaryTargetGroupArns = [TG_BLUE, TG_GREEN];
    const unused = cleanObservation();
    rule(unused, 0).actions = [];
    Object.assign(unused.targetGroups[TG_GREEN] ?? {}, { stickinessEnabled: true });
    unused.canaryTargetGroupArns = [TG_GREEN];
    unused.services = [];

    // Act
    const found = [shown, unused].map((o) => checkCanaryTargetGroups(o).map((f) => [f.resource, f.clusterName]));

    // Assess
    expect(found).toEqual([[[CANARY_RULE, 'prod']], [[TG_GREEN, '-']]]);
  });
});

describe('Audit check 6: who writes the weights', () => {
  it('tells a platform team every owner of the weights and how to leave them to one', () => {
    // Prepare
    const observed = cleanObservation();
    rule(observed, 0).tags = STACK;
    observed.canaryRuleArns = [CANARY_RULE];

    // Act
    const [finding] = checkCanaryTargetGroups(observed);

    // Assess
    expect(finding).toEqual({
      check: 'canary-target-groups',
      kind: 'weights-managed-twice',
      severity: 'warning',
      clusterName: 'prod',
      serviceName: 'web',
      resource: CANARY_RULE,
      problem:
        'the weights of a rule of prod-alb HTTPS:443 (web-blue 90 / web-green 10) are written by CloudFormation stack web-stack and the ecs-autopilot canary',
      impact:
        'each owner sets the weights it wants: a stack update in the middle of a deployment sends production traffic back or forward at once, past every bake and alarm',
      fix: "leave the weights to one owner: e.g. ignore the rule's actions in the template (CDK/CloudFormation) while ECS deploys the service, or drop the canary of the other tool",
      consoleUrl: LISTENER_URL,
      facts: { owners: 'CloudFormation stack web-stack | the ecs-autopilot canary' },
    });
  });

  it.each(['BLUE_GREEN', 'LINEAR', 'CANARY'])('counts ECS as an owner under its %s strategy', (strategy) => {
    // Prepare
    const observed = cleanObservation();
    rule(observed, 0).tags = STACK;
    web(observed).deploymentStrategy = strategy;
    web(observed).loadBalancers = [{ targetGroupArn: TG_BLUE, testListenerRule: CANARY_RULE }];

    // Act
    const found = owners(observed);

    // Assess
    expect(found).toEqual([`ECS (${strategy} deployments of web) | CloudFormation stack web-stack`]);
  });

  it('does not count ECS rolling updates, or a strategy on a service another controller deploys', () => {
    // Prepare
    const rolling = cleanObservation();
    rule(rolling, 0).tags = STACK;
    web(rolling).loadBalancers = [{ targetGroupArn: TG_BLUE, productionListenerRule: CANARY_RULE }];
    const external = cleanObservation();
    rule(external, 0).tags = STACK;
    Object.assign(web(external), { deploymentController: 'EXTERNAL', deploymentStrategy: 'LINEAR' });
    web(external).loadBalancers = [{ targetGroupArn: TG_BLUE, productionListenerRule: CANARY_RULE }];

    // Act
    const found = [owners(rolling), owners(external)];

    // Assess
    expect(found).toEqual([[], []]);
  });

  it('counts ECS only when the service names this rule', () => {
    // Prepare
    const observed = cleanObservation();
    rule(observed, 0).tags = STACK;
    web(observed).deploymentStrategy = 'LINEAR';
    web(observed).loadBalancers = [{ targetGroupArn: TG_BLUE, productionListenerRule: DEFAULT_RULE }];

    // Act
    const found = owners(observed);

    // Assess
    expect(found).toEqual([]);
  });

  it('counts CodeDeploy when a service it deploys uses a target group of the split, and not otherwise', () => {
    // Prepare
    const deployed = cleanObservation();
    rule(deployed, 0).tags = STACK;
    web(deployed).deploymentController = 'CODE_DEPLOY';
    const elsewhere = cleanObservation();
    rule(elsewhere, 0).tags = STACK;
    web(elsewhere).deploymentController = 'CODE_DEPLOY';
    web(elsewhere).loadBalancers = [{ loadBalancerName: 'classic' }];

    // Act
    const found = [owners(deployed), owners(elsewhere)];

    // Assess
    expect(found).toEqual([['CodeDeploy (deployments of web) | CloudFormation stack web-stack'], []]);
  });

  it("takes the listener for its default rule: ECS or our canary naming the listener owns the default's weights", () => {
    // Prepare
    const observed = splitOnDefaultRule();
    rule(observed, 1).tags = STACK;
    web(observed).deploymentStrategy = 'BLUE_GREEN';
    web(observed).loadBalancers = [{ targetGroupArn: TG_BLUE, productionListenerRule: HTTPS_LISTENER }];
    observed.canaryRuleArns = [HTTPS_LISTENER];

    // Act
    const found = owners(observed);

    // Assess
    expect(found).toEqual([
      'ECS (BLUE_GREEN deployments of web) | CloudFormation stack web-stack | the ecs-autopilot canary',
    ]);
  });

  it('does not take the listener for a rule that is not its default', () => {
    // Prepare
    const observed = cleanObservation();
    rule(observed, 0).tags = STACK;
    web(observed).deploymentStrategy = 'BLUE_GREEN';
    web(observed).loadBalancers = [{ targetGroupArn: TG_BLUE, productionListenerRule: HTTPS_LISTENER }];
    observed.canaryRuleArns = [HTTPS_LISTENER];

    // Act
    const found = owners(observed);

    // Assess
    expect(found).toEqual([]);
  });
});
