import { targetGroupNameOf } from '../../aws/arn.js';
import { auditConsole, loadBalancerLabel } from '../console.js';
import type { AuditObservation, FindingDraft, ObservedSecurityGroup, ObservedService } from '../types.js';

/** The host ports Docker picks from on the ECS-optimized AMI (ip_local_port_range), which bridge tasks get. */
export const DYNAMIC_PORT_RANGE = { from: 32768, to: 60999 };

/** The ports the load balancer must reach on a task for this container port. */
export function portsToReach(service: ObservedService, containerName: string | undefined, containerPort: number) {
  if (service.networkMode !== 'bridge') return { from: containerPort, to: containerPort };
  const mapping = service.containers
    .find((c) => c.name === containerName)
    ?.portMappings.find((p) => p.containerPort === containerPort);
  const hostPort = mapping?.hostPort ?? 0;
  return hostPort > 0 ? { from: hostPort, to: hostPort } : DYNAMIC_PORT_RANGE;
}

/**
 * Whether the task security groups together let any of the load balancer's groups in on every port of the range.
 * A CIDR rule on those ports counts as letting it in: whether the load balancer's addresses fall inside is not
 * judged here, so a finding is never raised on a rule that may well work.
 */
export function admits(
  groups: ObservedSecurityGroup[],
  fromGroupIds: string[],
  range: { from: number; to: number },
): boolean {
  const intervals = groups
    .flatMap((g) => g.inbound)
    .filter((rule) => rule.cidrs.length > 0 || rule.groupIds.some((id) => fromGroupIds.includes(id)))
    .filter((rule) => rule.protocol === '-1' || rule.protocol === 'tcp' || rule.protocol === '6')
    .map((rule) =>
      rule.protocol === '-1' || rule.fromPort === undefined || rule.fromPort === -1
        ? { from: 0, to: 65535 }
        : { from: rule.fromPort, to: rule.toPort ?? rule.fromPort },
    )
    .sort((a, b) => a.from - b.from);
  let next = range.from;
  for (const interval of intervals) {
    if (interval.from > next) break;
    next = Math.max(next, interval.to + 1);
    if (next > range.to) return true;
  }
  return next > range.to;
}

/** Check 3: task security groups that do not let the load balancer in on the port it sends traffic to. */
export function checkSecurityGroups(observed: AuditObservation): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const service of observed.services) {
    const taskGroups = service.taskSecurityGroupIds
      .map((id) => observed.securityGroups[id])
      .filter((g): g is ObservedSecurityGroup => g !== undefined);
    if (taskGroups.length === 0) continue;
    for (const link of service.loadBalancers) {
      const group = link.targetGroupArn ? observed.targetGroups[link.targetGroupArn] : undefined;
      if (group === undefined || link.containerPort === undefined) continue;
      const range = portsToReach(service, link.containerName, link.containerPort);
      for (const loadBalancerArn of group.loadBalancerArns) {
        const loadBalancer = observed.loadBalancers[loadBalancerArn];
        if (loadBalancer === undefined || loadBalancer.securityGroupIds.length === 0) continue;
        if (admits(taskGroups, loadBalancer.securityGroupIds, range)) continue;
        const ports = range.from === range.to ? `port ${range.from}` : `ports ${range.from}-${range.to}`;
        const why =
          service.networkMode === 'bridge' && range.from !== range.to ? ' (bridge mode: dynamic host ports)' : '';
        const [first] = taskGroups;
        findings.push({
          check: 'security-groups',
          kind: 'load-balancer-blocked',
          severity: 'critical',
          clusterName: service.clusterName,
          serviceName: service.serviceName,
          resource: first?.id ?? service.serviceArn,
          problem: `no inbound rule of ${taskGroups.map((g) => `${g.id} (${g.name})`).join(', ')} lets load balancer ${loadBalancerLabel(loadBalancerArn)} (${loadBalancer.securityGroupIds.join(', ')}) reach TCP ${ports}${why} of target group ${targetGroupNameOf(group.arn)}`,
          impact: 'health checks time out, every target turns unhealthy and the load balancer answers 502/503',
          fix: `add an inbound rule to ${first?.id}: TCP ${ports} from security group ${loadBalancer.securityGroupIds[0]}`,
          consoleUrl: auditConsole.securityGroup(observed.region, first?.id ?? ''),
          facts: {
            from: range.from,
            to: range.to,
            loadBalancer: loadBalancerArn,
            loadBalancerGroups: [...loadBalancer.securityGroupIds].sort().join(','),
            taskGroups: taskGroups
              .map((g) => g.id)
              .sort()
              .join(','),
          },
        });
      }
    }
  }
  return findings;
}
