import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  InvalidTargetException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isInService } from '../targets/membership.js';
import type { Target } from '../tasks/types.js';
import type { Action, DeregisterTargetsAction } from './actions.js';

/** The clients the executor mutates AWS through. */
export interface ExecutorClients {
  elbv2: ElasticLoadBalancingV2Client;
}

export type VerificationMode = 'acknowledged' | 'read-back';

/** What a write and its check found. */
export interface ApplyResult {
  /** False when AWS was already in the intended state, so nothing was written. */
  changed: boolean;
  evidence: string;
}

export interface VerifyResult {
  ok: boolean;
  evidence: string;
}

/** How one kind of action is applied and verified. */
export interface ActionKind<A extends Action> {
  apply(action: A, clients: ExecutorClients): Promise<ApplyResult>;
  verify(action: A, clients: ExecutorClients, mode: VerificationMode, applied: ApplyResult): Promise<VerifyResult>;
}

async function observedStates(elbv2: ElasticLoadBalancingV2Client, targetGroupArn: string, targets: Target[]) {
  const out = await elbv2.send(
    new DescribeTargetHealthCommand({
      TargetGroupArn: targetGroupArn,
      Targets: targets.map((t) => ({ Id: t.id, Port: t.port })),
    }),
  );
  return (out.TargetHealthDescriptions ?? []).map((d) => ({
    id: d.Target?.Id ?? '',
    port: d.Target?.Port ?? 0,
    state: d.TargetHealth?.Reason === 'Target.NotRegistered' ? 'not-registered' : (d.TargetHealth?.State ?? 'unknown'),
  }));
}

const deregisterTargets: ActionKind<DeregisterTargetsAction> = {
  async apply(action, { elbv2 }) {
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
      const still = (await observedStates(elbv2, action.targetGroupArn, action.targets)).filter(isInService);
      if (still.length === 0) return { changed: false, evidence: 'every target had already left the target group' };
      await send(still);
      return { changed: true, evidence: `DeregisterTargets accepted ${still.length} target(s) still registered` };
    }
  },
  async verify(action, { elbv2 }, mode, applied) {
    if (mode === 'acknowledged') return { ok: true, evidence: applied.evidence };
    const states = await observedStates(elbv2, action.targetGroupArn, action.targets);
    const lingering = states.filter(isInService);
    return lingering.length === 0
      ? { ok: true, evidence: `read back: ${states.map((s) => `${s.id}:${s.port} ${s.state}`).join(', ')}` }
      : {
          ok: false,
          evidence: `still in service after the write: ${lingering.map((s) => `${s.id}:${s.port} ${s.state}`).join(', ')}`,
        };
  },
};

/** Every action kind the executor knows, by `kind`. */
export const actionKinds: { [K in Action['kind']]: ActionKind<Extract<Action, { kind: K }>> } = {
  'deregister-targets': deregisterTargets,
};
