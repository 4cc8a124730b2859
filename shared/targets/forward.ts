import type { Action as ElbAction } from '@aws-sdk/client-elastic-load-balancing-v2';

/** ALB limits on a forward action: at most 5 target groups, each weighted by an integer 0–999. */
export const MAX_TARGET_GROUPS = 5;
export const MAX_WEIGHT = 999;

/** One target group of a forward action and its weight. */
export interface WeightedTargetGroup {
  targetGroupArn: string;
  weight: number;
}

/** A forward action as the canary sees it: its target groups in order and its stickiness, nothing left out. */
export interface ForwardSnapshot {
  targetGroups: WeightedTargetGroup[];
  stickiness?: { enabled: boolean; durationSeconds?: number };
}

/** The two sides' weights: what the canary writes and reads back. */
export interface PairWeights {
  canary: number;
  stable: number;
}

/** Why a set of weights cannot be written, or undefined when ALB would take it. */
export function weightProblem(targetGroups: readonly WeightedTargetGroup[]): string | undefined {
  if (targetGroups.length === 0) return 'a forward action needs at least one target group';
  if (targetGroups.length > MAX_TARGET_GROUPS) {
    return `${targetGroups.length} target groups; a forward action takes at most ${MAX_TARGET_GROUPS}`;
  }
  const bad = targetGroups.find((tg) => !Number.isInteger(tg.weight) || tg.weight < 0 || tg.weight > MAX_WEIGHT);
  if (bad) return `weight ${bad.weight} of ${bad.targetGroupArn} is not an integer from 0 to ${MAX_WEIGHT}`;
  if (targetGroups.every((tg) => tg.weight === 0)) return 'every weight would be 0: the action would serve nothing';
  return undefined;
}

/** The two sides' weights in a forward action, or undefined when a side is not in it. */
export function pairWeights(
  snapshot: ForwardSnapshot,
  canaryArn: string,
  stableArn: string,
): (PairWeights & { others: number }) | undefined {
  const canary = snapshot.targetGroups.find((tg) => tg.targetGroupArn === canaryArn);
  const stable = snapshot.targetGroups.find((tg) => tg.targetGroupArn === stableArn);
  if (!canary || !stable) return undefined;
  const others = snapshot.targetGroups
    .filter((tg) => tg !== canary && tg !== stable)
    .reduce((sum, tg) => sum + tg.weight, 0);
  return { canary: canary.weight, stable: stable.weight, others };
}

/**
 * The weight the two sides share. It is kept as observed so other target groups keep their share of traffic; when
 * no other target group carries weight, a total below 100 is raised to 100 so that percent steps are exact. A total
 * above 999 is lowered to 999, since one side takes all of it at 100 %.
 */
export function pairTotal(pair: PairWeights & { others: number }): number {
  const total = pair.canary + pair.stable;
  return Math.min(pair.others === 0 ? Math.max(total, 100) : total, MAX_WEIGHT);
}

/**
 * Splits a pair total so the canary gets `percent` of it. A step above 0 always gives the canary at least 1, a step
 * below 100 always leaves the stable side at least 1; each weight stays within 0–999.
 */
export function splitPair(total: number, percent: number): PairWeights {
  const whole = Math.max(1, Math.min(Math.round(total), MAX_WEIGHT));
  let canary = Math.round((whole * percent) / 100);
  if (percent > 0 && canary === 0) canary = 1;
  if (percent < 100 && canary >= whole) canary = whole - 1;
  canary = Math.max(0, Math.min(canary, whole));
  return { canary, stable: whole - canary };
}

/**
 * Splits a pair total as splitPair does, except that the stable side never gets more than `stableAtMost` percent of it:
 * its weight is then rounded down, and the rest goes to the canary. A rollback that the stable side's healthy targets
 * limit writes these, so the executor's guard, which sizes a side by the share its whole weight gives, never refuses
 * them.
 */
export function splitPairWithin(total: number, percent: number, stableAtMost: number): PairWeights {
  const { canary, stable } = splitPair(total, percent);
  const carried = Math.min(stable, Math.floor(((canary + stable) * stableAtMost) / 100));
  return { canary: canary + stable - carried, stable: carried };
}

/** The canary's percent of the pair, for reports. */
export function canaryPercent(pair: PairWeights): number {
  const total = pair.canary + pair.stable;
  return total === 0 ? 0 : (100 * pair.canary) / total;
}

/** The snapshot with the two sides' weights replaced; every other target group, its order and stickiness kept. */
export function withPairWeights(
  snapshot: ForwardSnapshot,
  canaryArn: string,
  stableArn: string,
  weights: PairWeights,
): ForwardSnapshot {
  return {
    ...snapshot,
    targetGroups: snapshot.targetGroups.map((tg) =>
      tg.targetGroupArn === canaryArn
        ? { ...tg, weight: weights.canary }
        : tg.targetGroupArn === stableArn
          ? { ...tg, weight: weights.stable }
          : { ...tg },
    ),
  };
}

/** The forward action of an action list as a snapshot, or undefined when the list forwards nowhere. */
export function forwardSnapshotOf(actions: readonly ElbAction[]): ForwardSnapshot | undefined {
  const forward = actions.find((a) => a.Type === 'forward');
  if (!forward) return undefined;
  const config = forward.ForwardConfig;
  const targetGroups = config?.TargetGroups?.length
    ? config.TargetGroups.map((tg) => ({ targetGroupArn: tg.TargetGroupArn ?? '', weight: tg.Weight ?? 1 }))
    : forward.TargetGroupArn
      ? [{ targetGroupArn: forward.TargetGroupArn, weight: 1 }]
      : [];
  const sticky = config?.TargetGroupStickinessConfig;
  return {
    targetGroups,
    ...(sticky?.Enabled !== undefined
      ? { stickiness: { enabled: sticky.Enabled, durationSeconds: sticky.DurationSeconds } }
      : {}),
  };
}

/**
 * The action list to send back with ModifyRule/ModifyListener, which replace the whole list: every action and field
 * as read, except the weights of the named target groups. The stickiness config is sent back as read (with the rest of
 * ForwardConfig), since leaving it out disables it.
 */
export function rewriteForwardWeights(
  actions: readonly ElbAction[],
  weights: Readonly<Record<string, number>>,
): ElbAction[] {
  return actions.map((action) => {
    if (action.Type !== 'forward') return structuredClone(action);
    const snapshot = forwardSnapshotOf([action]) as ForwardSnapshot;
    const { TargetGroupArn: _single, ...rest } = structuredClone(action);
    return {
      ...rest,
      ForwardConfig: {
        ...rest.ForwardConfig,
        TargetGroups: snapshot.targetGroups.map((tg) => ({
          TargetGroupArn: tg.targetGroupArn,
          Weight: weights[tg.targetGroupArn] ?? tg.weight,
        })),
      },
    };
  });
}
