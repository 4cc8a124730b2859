import { compareFindings, findingId } from '../finding.js';
import type { AuditObservation, Check, Finding } from '../types.js';
import { checkCanaryTargetGroups } from './canary-target-groups.js';
import { checkDeregistrationDelay } from './deregistration-delay.js';
import { checkHealthChecks } from './health-checks.js';
import { checkListeners } from './listeners.js';
import { checkLoadBalancerConfig } from './load-balancer-config.js';
import { checkScaling } from './scaling.js';
import { checkSecurityGroups } from './security-groups.js';

/** Every check, in the order the README lists them. */
export const CHECKS: readonly Check[] = [
  checkLoadBalancerConfig,
  checkHealthChecks,
  checkSecurityGroups,
  checkDeregistrationDelay,
  checkListeners,
  checkCanaryTargetGroups,
  checkScaling,
];

/** Runs every check on one observation: the findings with their ids, most severe first. Pure. */
export function runChecks(observed: AuditObservation): Finding[] {
  const byId = new Map<string, Finding>();
  for (const check of CHECKS) {
    for (const draft of check(observed)) {
      const id = findingId(draft);
      byId.set(id, { id, ...draft });
    }
  }
  return [...byId.values()].sort(compareFindings);
}
