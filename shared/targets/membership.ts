import type { ObservedTarget, Target, TargetGroupHealth } from './types.js';

/** States in which a target is registered and may receive traffic: these count toward a target group's capacity. */
const inServiceStates = new Set(['initial', 'healthy', 'unhealthy', 'unused', 'unavailable']);

/** True when the target is registered and not already leaving. */
export function isInService(target: ObservedTarget): boolean {
  return inServiceStates.has(target.state);
}

export function sameTarget(a: Target, b: Target): boolean {
  return a.id === b.id && a.port === b.port;
}

export function targetLabel(t: Target): string {
  return `${t.id}:${t.port}`;
}

/** Counts that guardrails judge a change of membership by. */
export interface MembershipBasis {
  /** Registered, not draining, before the change. */
  inService: number;
  healthy: number;
  /** Of the targets to remove, how many are healthy now. */
  removingHealthy: number;
}

/** The membership counts of a target group before removing `removing` from it. */
export function membershipBasis(health: TargetGroupHealth, removing: readonly Target[]): MembershipBasis {
  const inService = health.targets.filter(isInService);
  const healthy = inService.filter((t) => t.state === 'healthy');
  return {
    inService: inService.length,
    healthy: healthy.length,
    removingHealthy: healthy.filter((t) => removing.some((r) => sameTarget(r, t))).length,
  };
}
