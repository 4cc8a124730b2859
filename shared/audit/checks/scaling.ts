import { auditConsole } from '../console.js';
import type { AuditObservation, FindingDraft } from '../types.js';

/** Check 7: desired counts outside the scalable target's bounds, and two scalers on one service. */
export function checkScaling(observed: AuditObservation): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const service of observed.services) {
    const { clusterName, serviceName, scalableTarget: target } = service;
    const consoleUrl = auditConsole.scaling(observed.region, clusterName, serviceName);
    if (target && (service.desiredCount < target.minCapacity || service.desiredCount > target.maxCapacity)) {
      findings.push({
        check: 'scaling',
        kind: 'desired-count-out-of-bounds',
        severity: 'warning',
        clusterName,
        serviceName,
        resource: service.serviceArn,
        problem: `desired count ${service.desiredCount} is outside the scalable target's bounds ${target.minCapacity}-${target.maxCapacity}`,
        impact:
          'Application Auto Scaling pulls the count back inside its bounds at its next activity: a manual or deployed count is silently undone, capacity can drop at once',
        fix: `change the scalable target's bounds to include ${service.desiredCount}, or set the desired count within ${target.minCapacity}-${target.maxCapacity}`,
        consoleUrl,
        facts: { desiredCount: service.desiredCount, min: target.minCapacity, max: target.maxCapacity },
      });
    }
    if (service.scaledByAutopilot && service.scalingPolicyNames.length > 0) {
      findings.push({
        check: 'scaling',
        kind: 'two-scalers',
        severity: 'warning',
        clusterName,
        serviceName,
        resource: service.serviceArn,
        problem: `Application Auto Scaling policies (${service.scalingPolicyNames.join(', ')}) and ecs-autopilot's alarm scaling both change the desired count`,
        impact: 'each undoes the other: a scale-out by one is scaled in by the other, and the count oscillates',
        fix: 'keep one: remove the scaling policies, or remove `scaling` from this service in ecs-autopilot.yml',
        consoleUrl,
        facts: { policies: [...service.scalingPolicyNames].sort().join(',') },
      });
    }
  }
  return findings;
}
