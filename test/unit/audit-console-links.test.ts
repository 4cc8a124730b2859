import { describe, expect, it } from 'vitest';
import { runChecks } from '#shared/audit/checks/index.js';
import { checkSecurityGroups } from '#shared/audit/checks/security-groups.js';
import { auditConsole, loadBalancerLabel } from '#shared/audit/console.js';
import { cleanObservation, LB, TG_BLUE, TG_GREEN, web } from './audit/observation.js';

describe('auditConsole', () => {
  it("opens a service's configuration and its auto scaling, not its health page", () => {
    // Act
    const pages = [auditConsole.service('eu-west-1', 'prod', 'web'), auditConsole.scaling('eu-west-1', 'prod', 'web')];

    // Assess
    expect(pages).toEqual([
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/configuration?region=eu-west-1',
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/autoscaling?region=eu-west-1',
    ]);
  });

  it('opens a listener, a security group and an ACM certificate by id in the region of the finding', () => {
    // Prepare
    const listener = 'arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/a/b/c';
    const certificate = 'arn:aws:acm:eu-west-1:1:certificate/0000-1111';

    // Act
    const pages = [
      auditConsole.listener('eu-west-1', listener),
      auditConsole.securityGroup('eu-west-1', 'sg-1'),
      auditConsole.certificate('eu-west-1', certificate),
    ];

    // Assess
    expect(pages).toEqual([
      `https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#ListenerDetails:listenerArn=${encodeURIComponent(listener)}`,
      'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-1',
      'https://eu-west-1.console.aws.amazon.com/acm/home?region=eu-west-1#/certificates/0000-1111',
    ]);
  });
});

describe('loadBalancerLabel', () => {
  it("names a load balancer by its name, and something that is not a load balancer's ARN by what it is", () => {
    // Act
    const labels = [loadBalancerLabel(LB), loadBalancerLabel('classic-elb')];

    // Assess
    expect(labels).toEqual(['prod-alb', 'classic-elb']);
  });

  it('keeps a finding readable when a target group names a load balancer by something other than its ARN', () => {
    // Prepare
    const observed = cleanObservation();
    const tasks = observed.securityGroups['sg-tasks'];
    if (tasks === undefined) throw new Error('no task group');
    tasks.inbound = [];
    const blue = observed.targetGroups[TG_BLUE];
    if (blue === undefined || observed.loadBalancers[LB] === undefined) throw new Error('no target group');
    blue.loadBalancerArns = ['legacy-lb'];
    observed.loadBalancers['legacy-lb'] = { ...observed.loadBalancers[LB], arn: 'legacy-lb' };
    web(observed).loadBalancers.pop();

    // Act
    const problems = checkSecurityGroups(observed).map((f) => f.problem);

    // Assess
    expect(problems).toEqual([expect.stringContaining('lets load balancer legacy-lb (sg-alb) reach TCP port 8080')]);
  });
});

describe('runChecks order', () => {
  it('lists a critical finding of a later check before a warning of an earlier one', () => {
    // Prepare
    const observed = cleanObservation();
    const blue = observed.targetGroups[TG_BLUE];
    if (blue === undefined) throw new Error('no blue target group');
    Object.assign(blue, { healthCheckPath: '/', healthCheckIntervalSeconds: 30, healthyThreshold: 5 });
    web(observed).healthCheckGracePeriodSeconds = 300;
    const tasks = observed.securityGroups['sg-tasks'];
    if (tasks === undefined) throw new Error('no task group');
    tasks.inbound = [];
    web(observed).loadBalancers = web(observed).loadBalancers.filter((l) => l.targetGroupArn !== TG_GREEN);

    // Act
    const findings = runChecks(observed);

    // Assess
    expect(findings.map((f) => `${f.severity} ${f.check}/${f.kind}`)).toEqual([
      'critical security-groups/load-balancer-blocked',
      'warning health-checks/default-health-check',
    ]);
  });
});
