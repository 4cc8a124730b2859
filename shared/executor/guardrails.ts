import type { Action } from './actions.js';

/** A guardrail's verdict on one action. */
export type GuardVerdict = { allowed: true } | { allowed: false; rule: string; why: string };

const allowed: GuardVerdict = { allowed: true };

/**
 * Judges an action against the product's guardrails, from the state observed when it was planned. Pure.
 * never-empty: a target group that takes traffic is never left with no registered target (the ALB would answer 503
 * for everything, where a registered but failing target at least lets it fail open).
 */
export function guard(action: Action): GuardVerdict {
  switch (action.kind) {
    case 'deregister-targets': {
      const remaining = action.basis.inService - action.targets.length;
      if (action.basis.inService > 0 && remaining < 1) {
        return {
          allowed: false,
          rule: 'never-empty',
          why: `it would leave the target group with ${Math.max(remaining, 0)} registered targets (it has ${action.basis.inService})`,
        };
      }
      return allowed;
    }
  }
}
