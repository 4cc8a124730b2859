import type { CanaryConfig } from '../config/canary.js';
import { actionArnOf } from '../config/canary-action.js';
import type { Action } from '../executor/actions.js';
import type { CanaryRecord } from './status.js';
import type { CanaryIntent, CanaryObservation } from './types.js';

/**
 * The executor actions for a tick's intents, in order. A weight is only planned on capacity already observed healthy,
 * so no action waits on another: a rollback's weight must move even when the stable side's scale-out is refused.
 */
export function executorActions(
  config: CanaryConfig,
  record: CanaryRecord,
  obs: CanaryObservation,
  intents: readonly CanaryIntent[],
): Action[] {
  const actions: Action[] = [];
  const sideOf = (service: string) => (obs.canary.service === service ? obs.canary : obs.stable);
  for (const intent of intents) {
    const subject = {
      clusterName: config.cluster,
      serviceName: intent.kind === 'set-weights' ? record.canary.service : intent.service,
    };
    const base = { subject, why: `canary ${config.name}: ${intent.why}` };
    switch (intent.kind) {
      case 'set-task-definition':
        actions.push({
          ...base,
          kind: 'set-task-definition',
          clusterName: config.cluster,
          serviceName: intent.service,
          taskDefinition: intent.to,
          ...(sideOf(intent.service).ecsStrategy ? { strategy: sideOf(intent.service).ecsStrategy } : {}),
        });
        break;
      case 'set-desired-count':
        actions.push({
          ...base,
          kind: 'set-desired-count',
          clusterName: config.cluster,
          serviceName: intent.service,
          from: intent.from,
          to: intent.to,
          direction: intent.to > intent.from ? 'out' : 'in',
          basis: {
            direction: intent.to > intent.from ? 'out' : 'in',
            cooldownSeconds: 0,
            now: obs.now,
            bounds: { min: 0, max: Math.max(intent.to, intent.from) },
            trafficWeight: intent.weightNow,
          },
        });
        break;
      case 'set-scalable-target-bounds':
        actions.push({
          ...base,
          kind: 'set-scalable-target-bounds',
          resourceId: intent.resourceId,
          from: intent.from,
          to: intent.to,
        });
        break;
      case 'set-weights':
        actions.push({
          ...base,
          kind: 'set-forward-weights',
          actionArn: actionArnOf(config),
          weights: {
            [record.canary.targetGroupArn]: intent.weights.canary,
            [record.stable.targetGroupArn]: intent.weights.stable,
          },
          expected: { ...(obs.forward ?? { targetGroups: [] }), targetGroups: intent.before },
          basis: [
            {
              targetGroupArn: record.canary.targetGroupArn,
              healthy: intent.basis.canaryHealthy,
              needed: intent.basis.canaryNeeded,
            },
            {
              targetGroupArn: record.stable.targetGroupArn,
              healthy: intent.basis.stableHealthy,
              needed: intent.basis.stableNeeded,
            },
          ],
          attempts: config.writeAttempts,
        });
        break;
    }
  }
  return actions;
}
