import { DeregisterTargetsCommand, InvalidTargetException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { isInService } from '../../targets/membership.js';
import { observeTargetGroupHealth } from '../../targets/observe.js';
import type { Target } from '../../targets/types.js';
import type { DeregisterTargetsAction } from '../actions.js';
import { type ActionKind, need } from '../apply-and-verify.js';

/** Removes targets from a target group; acknowledged, or read back with DescribeTargetHealth. */
export const deregisterTargets: ActionKind<DeregisterTargetsAction> = {
  async apply(action, clients) {
    const elbv2 = need(clients, 'elbv2');
    const send = (targets: Target[]) =>
      elbv2.send(
        new DeregisterTargetsCommand({
          TargetGroupArn: action.targetGroupArn,
          Targets: targets.map((t) => ({ Id: t.id, Port: t.port })),
        }),
      );
    try {
      await send(action.targets);
      return { changed: true, evidence: `DeregisterTargets accepted ${action.targets.length} target(s)` };
    } catch (error) {
      // A target that left between observation and write (ECS deregistering it too) fails the whole call: retry with
      // what is still registered, so the write stays idempotent.
      if (!(error instanceof InvalidTargetException)) throw error;
      const still = (await observeTargetGroupHealth(elbv2, action.targetGroupArn, action.targets)).targets.filter(
        isInService,
      );
      // Refused on a retry of the SDK: the earlier attempt landed and its answer was lost (a 5xx, a timeout), so the
      // removal is ours and is reported as such.
      if (still.length === 0 && (error.$metadata.attempts ?? 1) > 1)
        return { changed: true, evidence: 'DeregisterTargets landed on an attempt whose answer was lost' };
      if (still.length === 0) return { changed: false, evidence: 'every target had already left the target group' };
      await send(still);
      return { changed: true, evidence: `DeregisterTargets accepted ${still.length} target(s) still registered` };
    }
  },
  async verify(action, clients, mode, applied) {
    if (mode === 'acknowledged') return { ok: true, evidence: applied.evidence };
    const { targets: states } = await observeTargetGroupHealth(
      need(clients, 'elbv2'),
      action.targetGroupArn,
      action.targets,
    );
    const lingering = states.filter(isInService);
    const list = (xs: typeof states) => xs.map((s) => `${s.id}:${s.port} ${s.state}`).join(', ');
    return lingering.length === 0
      ? { ok: true, evidence: `read back: ${list(states)}` }
      : { ok: false, evidence: `still in service after the write: ${list(lingering)}` };
  },
};
