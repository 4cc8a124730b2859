import type { MembershipBasis } from '../targets/membership.js';
import { targetLabel } from '../targets/membership.js';
import type { Target } from '../tasks/types.js';

/** What an action is about, for logs, audit and alerts. */
export interface ActionSubject {
  clusterName: string;
  serviceName: string;
  taskArn?: string;
}

/** Remove targets from one target group. */
export interface DeregisterTargetsAction {
  kind: 'deregister-targets';
  subject: ActionSubject;
  targetGroupArn: string;
  targets: Target[];
  /** Why the planner wants this, in one sentence. */
  why: string;
  /** The target group's membership as observed when the action was planned: what guardrails judge. */
  basis: MembershipBasis;
}

/** Every mutation the product can ask for; the executor is the only code that carries one out. */
export type Action = DeregisterTargetsAction;

/** A stable key: the same intended change always has the same key, whatever order its parts came in. */
export function actionKey(action: Action): string {
  switch (action.kind) {
    case 'deregister-targets':
      return `deregister-targets|${action.targetGroupArn}|${action.targets.map(targetLabel).sort().join(',')}`;
  }
}

/** The short name of a resource ARN (`targetgroup/web/abc` → `web`). */
export function shortName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  return parts.length >= 2 ? (parts[1] as string) : resource;
}

/** One line a person reads in a timeline or an alert. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'deregister-targets':
      return `deregister ${action.targets.map(targetLabel).join(', ')} from target group ${shortName(action.targetGroupArn)}`;
  }
}
