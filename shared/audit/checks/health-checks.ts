import { targetGroupNameOf } from '../../aws/arn.js';
import { auditConsole } from '../console.js';
import type { AuditObservation, FindingDraft, ObservedService, ObservedTargetGroup } from '../types.js';

/** ELB's defaults for an HTTP target group, which nobody chose for their service. */
export const DEFAULT_HEALTH_CHECK = { path: '/', intervalSeconds: 30, healthyThreshold: 5, unhealthyThreshold: 2 };

const onDefaults = (group: ObservedTargetGroup) =>
  (group.healthCheckPath ?? '/') === DEFAULT_HEALTH_CHECK.path &&
  group.healthCheckIntervalSeconds === DEFAULT_HEALTH_CHECK.intervalSeconds &&
  group.healthyThreshold === DEFAULT_HEALTH_CHECK.healthyThreshold &&
  group.unhealthyThreshold === DEFAULT_HEALTH_CHECK.unhealthyThreshold;

/**
 * The least time a new task needs before the load balancer calls it healthy: healthy threshold × interval, plus the
 * container health check's start period when it has one. A lower bound: the application's own start comes on top.
 */
export function secondsToPassHealthChecks(service: ObservedService, group: ObservedTargetGroup, container?: string) {
  const startPeriod = service.containers.find((c) => c.name === container)?.healthCheckStartPeriod ?? 0;
  return { seconds: group.healthyThreshold * group.healthCheckIntervalSeconds + startPeriod, startPeriod };
}

/** Check 2: target groups on ELB's default health check, and grace periods shorter than tasks take to pass it. */
export function checkHealthChecks(observed: AuditObservation): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const reported = new Set<string>();
  for (const service of observed.services) {
    const { clusterName, serviceName } = service;
    for (const link of service.loadBalancers) {
      const group = link.targetGroupArn ? observed.targetGroups[link.targetGroupArn] : undefined;
      if (group === undefined) continue;
      if (onDefaults(group) && !reported.has(group.arn)) {
        reported.add(group.arn);
        findings.push({
          check: 'health-checks',
          kind: 'default-health-check',
          severity: 'warning',
          clusterName,
          serviceName,
          resource: group.arn,
          problem: `target group ${group.name} checks path / every 30 s, 5 healthy / 2 unhealthy: ELB's defaults`,
          impact:
            'a new task waits 150 s before it takes traffic, a dead one is found only after 60 s, and / may not say whether the application can serve',
          fix: 'point the health check at a dedicated path (e.g. /health) and choose interval and thresholds for the service (e.g. 10 s, 3 healthy, 2 unhealthy)',
          consoleUrl: auditConsole.targetGroup(observed.region, group.arn),
          facts: {
            path: group.healthCheckPath ?? '/',
            intervalSeconds: group.healthCheckIntervalSeconds,
            healthyThreshold: group.healthyThreshold,
            unhealthyThreshold: group.unhealthyThreshold,
          },
        });
      }
      const grace = service.healthCheckGracePeriodSeconds ?? 0;
      const needed = secondsToPassHealthChecks(service, group, link.containerName);
      if (grace >= needed.seconds) continue;
      const basis = `${group.healthyThreshold} healthy checks × ${group.healthCheckIntervalSeconds} s${needed.startPeriod ? ` + the container health check's ${needed.startPeriod} s start period` : ''}`;
      findings.push({
        check: 'health-checks',
        kind: 'grace-period-too-short',
        severity: 'warning',
        clusterName,
        serviceName,
        resource: service.serviceArn,
        problem: `the health-check grace period is ${grace} s, but its tasks need at least ${needed.seconds} s to pass the health checks of ${targetGroupNameOf(group.arn)} (${basis}; a lower bound, the application's start-up comes on top)`,
        impact:
          'ECS may stop new tasks as unhealthy before they could pass, so a deployment or a scale-out can loop without ever becoming healthy',
        fix: `set the service's healthCheckGracePeriodSeconds to at least ${needed.seconds} s plus the application's start-up time`,
        consoleUrl: auditConsole.service(observed.region, clusterName, serviceName),
        facts: { gracePeriodSeconds: grace, neededSeconds: needed.seconds, targetGroup: group.arn },
      });
    }
  }
  return findings;
}
