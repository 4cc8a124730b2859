import type { CanaryConfig } from '../config/canary.js';
import { canaryPercent, type PairWeights, withPairWeights } from '../targets/forward.js';
import { tasksForPercent } from './capacity.js';
import type { Evidence } from './judge.js';
import { type CanaryRecord, pause, transition, type WrittenWeights } from './status.js';
import type { CanaryIntent, CanaryObservation, CanaryTickPlan, GateResult } from './types.js';

/** What every part of a tick plan shares. */
export interface TickContext {
  config: CanaryConfig;
  record: CanaryRecord;
  obs: CanaryObservation;
  /** The two sides' weights as observed now. */
  pair: PairWeights & { others: number };
  gates: GateResult[];
  /** The last written weights, when they never read back: the rule holds `pair` instead. */
  unlanded?: WrittenWeights;
}

export const BY_PROMOTER = 'promoter';

/** The stable side's full capacity: as recorded at start, or more when it was scaled out since. */
export function fullCapacity(ctx: TickContext): number {
  return Math.max(ctx.record.stableDesired, ctx.obs.stable.desiredCount);
}

/** A plan that changes nothing in AWS. */
export function hold(ctx: TickContext, reason: string, extra: Partial<CanaryTickPlan> = {}): CanaryTickPlan {
  return { decision: 'hold', reason, intents: [], gates: ctx.gates, ...extra };
}

/** A plan that pauses the canary and alerts loudly. */
export function pausePlan(ctx: TickContext, reason: string, evidence?: Evidence): CanaryTickPlan {
  const next = pause(ctx.record, { at: ctx.obs.now, by: BY_PROMOTER, reason, ...(evidence ? { evidence } : {}) });
  return { decision: 'pause', reason, intents: [], next, gates: ctx.gates, critical: true };
}

/** The intent to write the two sides' weights, with the health basis the executor's guardrail judges it by. */
export function weightIntent(ctx: TickContext, weights: PairWeights, why: string): CanaryIntent {
  const { obs, config, record } = ctx;
  const full = fullCapacity(ctx);
  const forward = obs.forward as NonNullable<CanaryObservation['forward']>;
  const canaryShare = canaryPercent(weights);
  return {
    kind: 'set-weights',
    before: forward.targetGroups.map((tg) => ({ ...tg })),
    after: withPairWeights(forward, record.canary.targetGroupArn, record.stable.targetGroupArn, weights).targetGroups,
    weights: { canary: weights.canary, stable: weights.stable },
    basis: {
      canaryHealthy: obs.canary.healthyTargets,
      canaryNeeded: tasksForPercent(full, canaryShare, config.minCanaryTasks),
      stableHealthy: obs.stable.healthyTargets,
      stableNeeded: tasksForPercent(full, 100 - canaryShare, 1),
    },
    why,
  };
}

/** Why writing these weights would put traffic on a side without the healthy targets for it, or undefined. */
export function overloadOf(intent: CanaryIntent, pair: PairWeights): string | undefined {
  if (intent.kind !== 'set-weights') return undefined;
  const { weights, basis } = intent;
  if (weights.canary > pair.canary && basis.canaryHealthy < basis.canaryNeeded) {
    return `the canary has ${basis.canaryHealthy} healthy targets, ${basis.canaryNeeded} needed for its weight`;
  }
  if (weights.stable > pair.stable && basis.stableHealthy < basis.stableNeeded) {
    return `the stable side has ${basis.stableHealthy} healthy targets, ${basis.stableNeeded} needed for its weight`;
  }
  return undefined;
}

/** Why weights that never read back are written again. */
export const WRITE_AGAIN_WHY = 'the last weight write did not read back as written';

/** Which attempt a write of `weights` is: the next of an earlier write of them that never read back, else the first. */
export function attemptOf(ctx: TickContext, weights: PairWeights): number {
  const earlier = ctx.unlanded;
  return earlier && earlier.canary === weights.canary && earlier.stable === weights.stable ? earlier.attempts + 1 : 1;
}

/** The plain reason of a write tried again: which weights, and which attempt. */
export function writeAgainReason(weights: PairWeights, attempt: number): string {
  return `weights ${weights.canary}/${weights.stable} not read back yet: writing them again (attempt ${attempt})`;
}

/** The pause once `weights` were written `writeAttempts` times and never read back; undefined while attempts are left. */
export function spentWrite(ctx: TickContext, weights: PairWeights): CanaryTickPlan | undefined {
  const attempt = attemptOf(ctx, weights);
  if (attempt <= ctx.config.writeAttempts) return undefined;
  const { pair } = ctx;
  return pausePlan(
    ctx,
    `weights ${weights.canary}/${weights.stable} written ${attempt - 1} times never read back (read ${pair.canary}/${pair.stable})`,
  );
}

/** The written weights that a tick is about to send, not yet read back. */
export function unverified(weights: PairWeights, at: string, attempts = 1): CanaryRecord['written'] {
  return { ...weights, at, verified: false, attempts };
}

/**
 * The record once its written weights were read back as written: verified, and final when they complete the release
 * (the last step reached) or the rollback (the canary at 0). Pure; the promoter calls it after the executor's check.
 */
export function confirmWeights(record: CanaryRecord, config: CanaryConfig, at: string): CanaryRecord {
  if (!record.written) return record;
  const confirmed: CanaryRecord = { ...record, written: { ...record.written, verified: true } };
  const { canary, stable } = record.written;
  if (record.phase === 'ramping' && record.step === config.steps.length - 1 && stable === 0 && canary > 0) {
    return transition(
      confirmed,
      'done',
      { at, by: BY_PROMOTER, reason: `the canary takes 100 % (weights ${canary}/${stable} read back)` },
      { idleSince: at },
    );
  }
  if (record.phase === 'rolling-back' && canary === 0) {
    return transition(
      confirmed,
      'rolled-back',
      {
        at,
        by: BY_PROMOTER,
        reason: `the stable side takes all traffic again (weights ${canary}/${stable} read back)`,
      },
      { idleSince: at, step: -1 },
    );
  }
  return confirmed;
}

/** Seconds from one ISO time to another. */
export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}
