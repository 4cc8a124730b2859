import { describe, expect, it } from 'vitest';
import { admits, checkSecurityGroups, DYNAMIC_PORT_RANGE, portsToReach } from '#shared/audit/checks/security-groups.js';
import type { AuditObservation, ObservedSecurityGroup } from '#shared/audit/types.js';
import { cleanObservation, LB, TG_BLUE, web } from './audit/observation.js';

type Rule = ObservedSecurityGroup['inbound'][number];
const fromAlb = (rule: Partial<Rule>): Rule => ({ protocol: 'tcp', groupIds: ['sg-alb'], cidrs: [], ...rule });
const group = (...inbound: Rule[]): ObservedSecurityGroup[] => [{ id: 'sg-tasks', name: 'web-tasks', inbound }];
const PORT_8080 = { from: 8080, to: 8080 };

/** The clean setup with the task group's inbound rules replaced and a single target group. */
function withTaskRules(...inbound: Rule[]): AuditObservation {
  const observed = cleanObservation();
  const tasks = observed.securityGroups['sg-tasks'];
  if (tasks === undefined) throw new Error('no task group');
  tasks.inbound = inbound;
  web(observed).loadBalancers.pop();
  return observed;
}

describe('admits', () => {
  it('lets in on a rule whose ports begin or end exactly at the port, not one beside it', () => {
    // Prepare
    const cases = [
      fromAlb({ fromPort: 8080, toPort: 8090 }),
      fromAlb({ fromPort: 8000, toPort: 8080 }),
      fromAlb({ fromPort: 8081, toPort: 8090 }),
      fromAlb({ fromPort: 8000, toPort: 8079 }),
    ];

    // Act
    const verdicts = cases.map((rule) => admits(group(rule), ['sg-alb'], PORT_8080));

    // Assess
    expect(verdicts).toEqual([true, true, false, false]);
  });

  it('reads a rule without a to-port as its from-port alone', () => {
    // Prepare
    const rule = fromAlb({ fromPort: 8080 });

    // Act
    const verdicts = [
      admits(group(rule), ['sg-alb'], PORT_8080),
      admits(group(rule), ['sg-alb'], { from: 8080, to: 8081 }),
    ];

    // Assess
    expect(verdicts).toEqual([true, false]);
  });

  it('reads protocol -1, and a rule without ports or with port -1, as every port', () => {
    // Prepare
    const rules = [
      fromAlb({ protocol: '-1', fromPort: 1, toPort: 1 }),
      fromAlb({}),
      fromAlb({ fromPort: -1, toPort: -1 }),
    ];

    // Act
    const verdicts = rules.map((rule) => admits(group(rule), ['sg-alb'], DYNAMIC_PORT_RANGE));

    // Assess
    expect(verdicts).toEqual([true, true, true]);
  });

  it('counts TCP by name or by number, and never UDP', () => {
    // Prepare
    const rules = ['tcp', '6', 'udp', '17'].map((protocol) => fromAlb({ protocol, fromPort: 8080, toPort: 8080 }));

    // Act
    const verdicts = rules.map((rule) => admits(group(rule), ['sg-alb'], PORT_8080));

    // Assess
    expect(verdicts).toEqual([true, true, false, false]);
  });

  it('joins adjacent and overlapping rules, in any order, across the task groups', () => {
    // Prepare
    const groups: ObservedSecurityGroup[] = [
      { id: 'sg-a', name: 'a', inbound: [fromAlb({ fromPort: 50000, toPort: 60999 })] },
      {
        id: 'sg-b',
        name: 'b',
        inbound: [fromAlb({ fromPort: 32768, toPort: 40000 }), fromAlb({ fromPort: 40001, toPort: 50010 })],
      },
    ];

    // Act
    const covered = admits(groups, ['sg-alb'], DYNAMIC_PORT_RANGE);

    // Assess
    expect(covered).toBe(true);
  });

  it('finds the range open only up to a gap of one port', () => {
    // Prepare
    const rules = [fromAlb({ fromPort: 32768, toPort: 40000 }), fromAlb({ fromPort: 40002, toPort: 60999 })];

    // Act
    const covered = admits(group(...rules), ['sg-alb'], DYNAMIC_PORT_RANGE);

    // Assess
    expect(covered).toBe(false);
  });

  it('needs the range covered to its last port', () => {
    // Prepare
    const rule = fromAlb({ fromPort: 32768, toPort: 60998 });

    // Act
    const covered = admits(group(rule), ['sg-alb'], DYNAMIC_PORT_RANGE);

    // Assess
    expect(covered).toBe(false);
  });

  it("ignores a rule from a group that is not one of the load balancer's", () => {
    // Prepare
    const rule = fromAlb({ groupIds: ['sg-other'], fromPort: 8080, toPort: 8080 });

    // Act
    const verdicts = [
      admits(group(rule), ['sg-alb'], PORT_8080),
      admits(group(rule), ['sg-alb', 'sg-other'], PORT_8080),
    ];

    // Assess
    expect(verdicts).toEqual([false, true]);
  });

  it("lets in on a rule that names the load balancer's group among others", () => {
    // Prepare
    const rule = fromAlb({ groupIds: ['sg-other', 'sg-alb'], fromPort: 8080, toPort: 8080 });

    // Act
    const covered = admits(group(rule), ['sg-alb'], PORT_8080);

    // Assess
    expect(covered).toBe(true);
  });

  it('lets nothing in with no rule at all', () => {
    // Prepare
    const groups = group();

    // Act
    const covered = admits(groups, ['sg-alb'], PORT_8080);

    // Assess
    expect(covered).toBe(false);
  });
});

describe('portsToReach', () => {
  it('is the container port in awsvpc and host mode, the fixed host port in bridge mode, else the dynamic range', () => {
    // Prepare
    const service = web(cleanObservation());
    const bridged = { ...service, networkMode: 'bridge' as const };
    const fixed = {
      ...bridged,
      containers: [{ name: 'app', portMappings: [{ containerPort: 8080, hostPort: 80 }] }],
    };
    const zero = { ...bridged, containers: [{ name: 'app', portMappings: [{ containerPort: 8080, hostPort: 0 }] }] };

    // Act
    const ranges = [
      portsToReach(service, 'app', 8080),
      portsToReach({ ...service, networkMode: 'host' }, 'app', 8080),
      portsToReach(fixed, 'app', 8080),
      portsToReach(zero, 'app', 8080),
      portsToReach(fixed, 'other', 8080),
    ];

    // Assess
    expect(ranges).toEqual([PORT_8080, PORT_8080, { from: 80, to: 80 }, DYNAMIC_PORT_RANGE, DYNAMIC_PORT_RANGE]);
  });
});

describe('Audit check 3: what a platform team reads', () => {
  it('names the groups, the load balancer, the ports and the rule to add', () => {
    // Prepare
    const observed = withTaskRules(fromAlb({ fromPort: 80, toPort: 80 }));

    // Act
    const findings = checkSecurityGroups(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'security-groups',
        kind: 'load-balancer-blocked',
        severity: 'critical',
        clusterName: 'prod',
        serviceName: 'web',
        resource: 'sg-tasks',
        problem:
          'no inbound rule of sg-tasks (web-tasks) lets load balancer prod-alb (sg-alb) reach TCP port 8080 of target group web-blue',
        impact: 'health checks time out, every target turns unhealthy and the load balancer answers 502/503',
        fix: 'add an inbound rule to sg-tasks: TCP port 8080 from security group sg-alb',
        consoleUrl: 'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:groupId=sg-tasks',
        facts: { from: 8080, to: 8080, loadBalancer: LB, loadBalancerGroups: 'sg-alb', taskGroups: 'sg-tasks' },
      },
    ]);
  });

  it('says a blocked range of dynamic host ports comes from bridge mode, and lists groups sorted in its facts', () => {
    // Prepare
    const observed = withTaskRules();
    observed.securityGroups['sg-hosts'] = { id: 'sg-hosts', name: 'hosts', inbound: [] };
    Object.assign(web(observed), { networkMode: 'bridge', taskSecurityGroupIds: ['sg-tasks', 'sg-hosts'] });
    const lb = observed.loadBalancers[LB];
    if (lb === undefined) throw new Error('no load balancer');
    lb.securityGroupIds = ['sg-alb', 'sg-alb-2'];

    // Act
    const [finding] = checkSecurityGroups(observed);

    // Assess
    expect(finding?.problem).toBe(
      'no inbound rule of sg-tasks (web-tasks), sg-hosts (hosts) lets load balancer prod-alb (sg-alb, sg-alb-2) reach TCP ports 32768-60999 (bridge mode: dynamic host ports) of target group web-blue',
    );
    expect(finding?.fix).toBe('add an inbound rule to sg-tasks: TCP ports 32768-60999 from security group sg-alb');
    expect(finding?.facts).toMatchObject({ loadBalancerGroups: 'sg-alb,sg-alb-2', taskGroups: 'sg-hosts,sg-tasks' });
  });

  it('leaves the bridge note out when a fixed host port is blocked', () => {
    // Prepare
    const observed = withTaskRules();
    Object.assign(web(observed), {
      networkMode: 'bridge',
      containers: [{ name: 'app', portMappings: [{ containerPort: 8080, hostPort: 8080 }] }],
    });

    // Act
    const problems = checkSecurityGroups(observed).map((f) => f.problem);

    // Assess
    expect(problems).toEqual([expect.stringMatching(/reach TCP port 8080 of target group web-blue$/)]);
  });

  it.each<[string, (observed: AuditObservation) => void]>([
    [
      'its task groups were not observed',
      (o) => {
        web(o).taskSecurityGroupIds = ['sg-unknown'];
      },
    ],
    [
      'the link names no container port',
      (o) => {
        delete web(o).loadBalancers[0]?.containerPort;
      },
    ],
    [
      'the target group was not observed',
      (o) => {
        delete o.targetGroups[TG_BLUE];
      },
    ],
    [
      'the load balancer was not observed',
      (o) => {
        delete o.loadBalancers[LB];
      },
    ],
    [
      'the load balancer has no security group (an NLB)',
      (o) => {
        if (o.loadBalancers[LB]) o.loadBalancers[LB].securityGroupIds = [];
      },
    ],
  ])('judges nothing when %s', (_what, edit) => {
    // Prepare
    const observed = withTaskRules();
    edit(observed);

    // Act
    const findings = checkSecurityGroups(observed);

    // Assess
    expect(findings).toEqual([]);
  });
});
