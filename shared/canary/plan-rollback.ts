import { canaryPercent, pairTotal, splitPair, splitPairWithin } from '../targets/forward.js';
import { percentCarriedBy } from './capacity.js';
import type { JudgeVerdict } from './judge.js';
import {
  attemptOf,
  BY_PROMOTER,
  fullCapacity,
  hold,
  secondsBetween,
  spentWrite,
  type TickContext,
  unverified,
  WRITE_AGAIN_WHY,
  weightIntent,
  writeAgainReason,
} from './plan-parts.js';
import { lowerScalableMinimum } from './plan-scaling.js';
import { type CanaryRecord, transition } from './status.js';
import type { CanaryIntent, CanaryTickPlan } from './types.js';

/** Enters rolling-back (allowed at any time, window or not) and takes its first step in the same tick. */
export function startRollback(ctx: TickContext, reason: string, verdict?: JudgeVerdict): CanaryTickPlan {
  const record = transition(ctx.record, 'rolling-back', {
    at: ctx.obs.now,
    by: BY_PROMOTER,
    reason: `roll back: ${reason}`,
    ...(verdict ? { evidence: verdict.evidence } : {}),
  });
  const plan = planRollback({ ...ctx, record });
  return { ...plan, decision: 'roll-back', next: plan.next ?? record, ...(verdict ? { verdict } : {}) };
}

/**
 * One rollback step: the stable side's full capacity first, then as much weight as its healthy targets carry — all
 * of it at once, or one step down a tick when the rollback is gradual.
 */
export function planRollback(ctx: TickContext): CanaryTickPlan {
  const { record, obs, config, pair } = ctx;
  const full = fullCapacity(ctx);
  const intents: CanaryIntent[] = [];
  if (obs.stable.desiredCount < record.stableDesired) {
    intents.push({
      kind: 'set-desired-count',
      service: obs.stable.service,
      from: obs.stable.desiredCount,
      to: record.stableDesired,
      weightNow: pair.stable,
      why: 'the stable side gets its full capacity back before it takes the traffic back',
    });
  }
  const current = canaryPercent(pair);
  const total = pairTotal(pair);
  // The next step down is the first whose whole weights give the canary less than it has now: on a pair total other
  // than 100 a step's weights round, and a step that rounds to the share the canary already has would be written
  // again every tick without the rollback ever moving on.
  // Stryker disable next-line EqualityOperator: equivalent, a whole-weight share is never exactly 1e-9 below another
  const lower = [...config.steps].reverse().find((s) => canaryPercent(splitPair(total, s)) < current - 1e-9) ?? 0;
  const wanted = record.gradual ? lower : 0;
  const carried = percentCarriedBy(obs.stable.healthyTargets, full);
  const target = Math.max(wanted, 100 - carried);
  ctx.gates.push({
    gate: 'capacity',
    ok: carried >= 100 - wanted,
    detail: `${obs.stable.healthyTargets} healthy stable targets of ${full}: they carry ${carried} %`,
  });
  if (pair.canary === 0) {
    const reason = 'the canary has no weight: rolled back';
    // What the rule holds is what the record keeps: a write of ours that never read back did not land.
    const written = ctx.unlanded && { canary: 0, stable: pair.stable, at: obs.now, verified: true, attempts: 0 };
    const next = transition(
      record,
      'rolled-back',
      { at: obs.now, by: BY_PROMOTER, reason },
      { idleSince: obs.now, step: -1, ...(written ? { written } : {}) },
    );
    return { decision: 'roll-back', reason, intents, next, gates: ctx.gates };
  }
  // The stable side's weight is rounded down to the share its healthy targets carry, so the guard never refuses it.
  const weights = splitPairWithin(total, wanted, carried);
  // Stryker disable next-line EqualityOperator: equivalent, a whole-weight share is never exactly 1e-9 below another
  if (canaryPercent(weights) >= current - 1e-9) {
    const reason = `waiting for healthy stable targets: ${obs.stable.healthyTargets} of ${full} carry ${carried} %`;
    // A wait that changes nothing is quiet: the rollback was alerted when it began, not again every minute.
    return { decision: intents.length ? 'roll-back' : 'hold', reason, intents, gates: ctx.gates };
  }
  const spent = spentWrite(ctx, weights);
  if (spent) return spent;
  const attempt = attemptOf(ctx, weights);
  const reason =
    attempt > 1
      ? writeAgainReason(weights, attempt)
      : `roll back to ${Math.round(target)} % (weights ${weights.canary}/${weights.stable})`;
  // Stryker disable next-line EqualityOperator: equivalent, whole-percent steps are never exactly 1e-9 above the target
  const step = [...config.steps].map((s, i) => [s, i] as const).filter(([s]) => s <= target + 1e-9);
  const next: CanaryRecord = {
    ...record,
    step: step.length ? (step.at(-1)?.[1] as number) : -1,
    written: unverified(weights, obs.now, attempt),
  };
  intents.push(weightIntent(ctx, weights, attempt > 1 ? WRITE_AGAIN_WHY : reason));
  // A write tried again is quiet, as the step's own retry is: the rollback was alerted when it began.
  return { decision: attempt > 1 ? 'hold' : 'roll-back', reason, intents, next, gates: ctx.gates };
}

/**
 * After completion or rollback: the idle side is scaled to zero once its weight 0 has been read back and both the
 * configured delay and its target group's deregistration delay have passed.
 */
export function planCleanup(ctx: TickContext): CanaryTickPlan {
  const { record, obs, config, pair } = ctx;
  if (record.idleScaledDown) return { decision: 'idle', reason: record.reason, intents: [], gates: ctx.gates };
  const done = record.phase === 'done';
  const idle = done ? obs.stable : obs.canary;
  const idleWeight = done ? pair.stable : pair.canary;
  const verifiedZero = record.written?.verified !== false && idleWeight === 0;
  if (!verifiedZero) {
    return hold(ctx, `${idle.service} still has weight ${idleWeight}: it is not scaled in`, {
      critical: idleWeight > 0,
    });
  }
  // A scale-in an earlier tick claimed and did not finish: the same one, reported with the same reason.
  const started = record.scaleDown;
  if (idle.desiredCount === 0) {
    const lowered = lowerScalableMinimum(record, idle);
    const bounds = lowered.scalableBounds ? { scalableBounds: lowered.scalableBounds } : {};
    const finished = {
      ...record,
      ...bounds,
      idleScaledDown: true,
      reason: `${record.reason}; ${idle.service} ${started ? 'scaled in' : 'has no tasks'}`,
    };
    const decision = lowered.intents.length || started ? 'scale-down' : 'idle';
    const reason = started?.reason ?? finished.reason;
    if (lowered.intents.length === 0) return { decision, reason, intents: [], next: finished, gates: ctx.gates };
    const next = { ...record, ...bounds };
    return { decision, reason, intents: lowered.intents, next, landed: finished, gates: ctx.gates };
  }
  const wait = Math.max(config.scaleDownDelaySeconds, idle.deregistrationDelaySeconds);
  const since = record.idleSince ?? obs.now;
  const waited = secondsBetween(since, obs.now);
  if (!started && waited < wait) {
    return hold(ctx, `${idle.service} scales in ${Math.ceil(wait - waited)} s after its weight 0 (delay ${wait} s)`);
  }
  const reason =
    started?.reason ?? `${idle.service} has had weight 0 for ${Math.round(waited)} s: scale it in to 0 tasks`;
  const lowered = lowerScalableMinimum(record, idle);
  // The bounds to restore are recorded before the minimum is lowered; the side is scaled in only once it all landed.
  const bounds = lowered.scalableBounds ? { scalableBounds: lowered.scalableBounds } : {};
  const next = { ...record, ...bounds, scaleDown: started ?? { at: obs.now, reason } };
  const landed = { ...next, idleScaledDown: true, reason: `${record.reason}; ${idle.service} scaled in` };
  return {
    decision: 'scale-down',
    reason,
    intents: [
      ...lowered.intents,
      {
        kind: 'set-desired-count',
        service: idle.service,
        from: idle.desiredCount,
        to: 0,
        weightNow: idleWeight,
        why: reason,
      },
    ],
    next,
    landed,
    gates: ctx.gates,
  };
}
