import { describe, expect, it } from 'vitest';
import { checkSecurityGroups, DYNAMIC_PORT_RANGE } from '#shared/audit/checks/security-groups.js';
import { cleanObservation, web } from './observation.js';

const inbound = (rules: Array<{ from: number; to: number; groupIds?: string[]; cidrs?: string[] }>) =>
  rules.map((r) => ({
    protocol: 'tcp',
    fromPort: r.from,
    toPort: r.to,
    groupIds: r.groupIds ?? [],
    cidrs: r.cidrs ?? [],
  }));

function withTaskRules(rules: Parameters<typeof inbound>[0]) {
  const observed = cleanObservation();
  const tasks = observed.securityGroups['sg-tasks'];
  if (tasks === undefined) throw new Error('no task security group');
  tasks.inbound = inbound(rules);
  return observed;
}

describe('Audit check 3: checkSecurityGroups', () => {
  it("finds nothing when the task group lets the load balancer's group in on the container port", () => {
    // Prepare
    const observed = cleanObservation();

    // Act
    const findings = checkSecurityGroups(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('finds an awsvpc task group whose only rule from the load balancer is on another port', () => {
    // Prepare
    const observed = withTaskRules([{ from: 80, to: 80, groupIds: ['sg-alb'] }]);
    web(observed).loadBalancers.pop();

    // Act
    const findings = checkSecurityGroups(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'load-balancer-blocked', severity: 'critical', resource: 'sg-tasks' }),
    ]);
    expect(findings[0]?.fix).toBe('add an inbound rule to sg-tasks: TCP port 8080 from security group sg-alb');
  });

  it('finds a task group that lets in another security group, not the load balancer’s', () => {
    // Prepare
    const observed = withTaskRules([{ from: 8080, to: 8080, groupIds: ['sg-bastion'] }]);
    web(observed).loadBalancers.pop();

    // Act
    const findings = checkSecurityGroups(observed);

    // Assess
    expect(findings.map((f) => f.facts.loadBalancerGroups)).toEqual(['sg-alb']);
  });

  it('finds a bridge service whose rules leave part of the dynamic port range closed', () => {
    // Prepare
    const observed = withTaskRules([{ from: 49153, to: 65535, groupIds: ['sg-alb'] }]);
    web(observed).networkMode = 'bridge';
    web(observed).loadBalancers.pop();

    // Act
    const findings = checkSecurityGroups(observed);

    // Assess
    expect(findings.map((f) => [f.facts.from, f.facts.to])).toEqual([[DYNAMIC_PORT_RANGE.from, DYNAMIC_PORT_RANGE.to]]);
    expect(findings[0]?.problem).toContain('(bridge mode: dynamic host ports)');
  });

  it('finds nothing on a bridge service whose rules together cover the dynamic port range', () => {
    // Prepare
    const observed = withTaskRules([
      { from: 32768, to: 40000, groupIds: ['sg-alb'] },
      { from: 40001, to: 65535, groupIds: ['sg-alb'] },
    ]);
    web(observed).networkMode = 'bridge';

    // Act
    const findings = checkSecurityGroups(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('counts a CIDR rule on the port as letting the load balancer in', () => {
    // Prepare
    const observed = withTaskRules([{ from: 8080, to: 8080, cidrs: ['10.0.0.0/16'] }]);

    // Act
    const findings = checkSecurityGroups(observed);

    // Assess
    expect(findings).toEqual([]);
  });
});
