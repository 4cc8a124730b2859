import { auditConsole } from '../console.js';
import type { AuditObservation, FindingDraft, ObservedService } from '../types.js';

/** ECS's stop timeout when the container definition sets none. */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
/** Time allowed beyond the stop timeout for the last responses to leave. */
export const DRAIN_MARGIN_SECONDS = 15;
/** Past this many times what is needed, the delay mostly makes every deployment and scale-in wait. */
export const MUCH_LONGER_FACTOR = 4;

/** The longest stop timeout among the service's containers: a shorter one than ECS's default when all set one. */
export function stopTimeoutOf(service: ObservedService): number {
  const timeouts = service.containers.map((c) => c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS);
  return timeouts.length > 0 ? Math.max(...timeouts) : DEFAULT_STOP_TIMEOUT_SECONDS;
}

/** Check 4: a deregistration delay longer than the task's stop timeout plus a margin, or much longer than that. */
export function checkDeregistrationDelay(observed: AuditObservation): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const service of observed.services) {
    const stopTimeout = stopTimeoutOf(service);
    const limit = stopTimeout + DRAIN_MARGIN_SECONDS;
    for (const link of service.loadBalancers) {
      const group = link.targetGroupArn ? observed.targetGroups[link.targetGroupArn] : undefined;
      if (group === undefined || group.deregistrationDelaySeconds <= limit) continue;
      const delay = group.deregistrationDelaySeconds;
      const muchLonger = delay > MUCH_LONGER_FACTOR * limit;
      findings.push({
        check: 'deregistration-delay',
        kind: muchLonger ? 'slows-deployments' : 'cuts-connections',
        severity: 'warning',
        clusterName: service.clusterName,
        serviceName: service.serviceName,
        resource: group.arn,
        problem: `target group ${group.name} drains for ${delay} s, but the tasks of ${service.serviceName} are killed ${stopTimeout} s after SIGTERM (stop timeout; ${limit} s with a ${DRAIN_MARGIN_SECONDS} s margin)`,
        impact: muchLonger
          ? `every deployment and scale-in waits ${delay} s per batch of tasks for a drain that is cut after ${stopTimeout} s anyway, and when a task is stopped from outside (spot interruption, a failed container) its connections are cut while the load balancer still sends on them`
          : 'when a task is stopped from outside the scheduler (spot interruption, a failed essential container), it is killed while the load balancer still drains it: its open connections are cut',
        fix: `set deregistration_delay.timeout_seconds on ${group.name} to at most ${limit} s, or raise the containers' stopTimeout to cover the drain`,
        consoleUrl: auditConsole.targetGroup(observed.region, group.arn),
        facts: { deregistrationDelaySeconds: delay, stopTimeoutSeconds: stopTimeout },
      });
    }
  }
  return findings;
}
