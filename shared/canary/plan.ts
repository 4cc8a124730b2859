import { canaryPercent, type PairWeights, pairTotal, pairWeights, splitPair } from '../targets/forward.js';
import { tasksForPercent } from './capacity.js';
import type { JudgeVerdict } from './judge.js';
import {
  attemptOf,
  BY_PROMOTER,
  confirmWeights,
  fullCapacity,
  hold,
  overloadOf,
  pausePlan,
  secondsBetween,
  spentWrite,
  type TickContext,
  unverified,
  WRITE_AGAIN_WHY,
  weightIntent,
  writeAgainReason,
} from './plan-parts.js';
import { planCleanup, planRollback, startRollback } from './plan-rollback.js';
import { forgetScalableBounds, restoreScalableMinimum } from './plan-scaling.js';
import { activePhases, type CanaryRecord, transition, type WrittenWeights } from './status.js';
import type { CanaryIntent, CanaryObservation, CanaryTickInput, CanaryTickPlan } from './types.js';
import { nextPromotionTime, promotionAllowed } from './window.js';

const ecsOwnedStrategies = new Set(['BLUE_GREEN', 'LINEAR', 'CANARY']);

/** The alarm gate as a person reads it: what fires, and any configured gate alarm that does not exist (it gates nothing). */
function alarmGateDetail(alarms: CanaryObservation['alarms'], firing: string[]): string {
  const missing = alarms.filter((a) => a.state === 'MISSING').map((a) => a.name);
  const head = firing.length ? `in ALARM: ${firing.join(', ')}` : 'none in ALARM';
  return missing.length ? `${head}; not found, so gating nothing: ${missing.join(', ')}` : head;
}

/**
 * One promoter tick for one canary: observed state in, a decision, the intents in order and the record to write out.
 * Pure: a simulation can call it minute by minute with plain data.
 */
export function planCanaryTick(input: CanaryTickInput): CanaryTickPlan {
  const { config, observation: obs } = input;
  const record = input.record;
  if (!config.enabled) return { decision: 'idle', reason: 'disabled in the config', intents: [], gates: [] };
  if (record.phase === 'paused') {
    return { decision: 'idle', reason: `paused: ${record.reason}`, intents: [], gates: [] };
  }
  const pair = obs.forward && pairWeights(obs.forward, record.canary.targetGroupArn, record.stable.targetGroupArn);
  // Stryker disable next-line ObjectLiteral: equivalent, no plan reads the pair when the action does not forward to both sides
  const ctx: TickContext = { config, record, obs, pair: pair ?? { canary: 0, stable: 0, others: 0 }, gates: [] };
  const owned = [obs.canary, obs.stable].find((side) => side.ecsStrategy && ecsOwnedStrategies.has(side.ecsStrategy));
  if (owned && activePhases.includes(record.phase)) {
    return pausePlan(
      ctx,
      `service ${owned.service} uses ECS's own ${owned.ecsStrategy} strategy: ECS owns its weights`,
    );
  }
  if (!pair) {
    if (!activePhases.includes(record.phase)) return hold(ctx, 'the action no longer forwards to both target groups');
    return pausePlan(ctx, 'the forward action no longer holds both target groups: check the rule or listener');
  }

  const reconciled = reconcileWritten(ctx);
  if ('decision' in reconciled) return reconciled;
  ctx.record = reconciled;
  const changed = reconciled !== record ? reconciled : undefined;
  if (changed && changed.phase !== record.phase) {
    const decision = changed.phase === 'done' ? 'complete' : 'roll-back';
    return { decision, reason: changed.reason, intents: [], next: changed, gates: ctx.gates };
  }

  const plan = planPhase(ctx, input.judge);
  return plan.next || !changed ? plan : { ...plan, next: changed };
}

/**
 * Brings the record in line with the weights read now: confirms a write that landed, pauses on weights changed by
 * someone else, and marks a write of ours that did not land (`ctx.unlanded`) for the phase to write again or overrule:
 * a rollback, an alarm or a failing judge comes before writing a step's weights again.
 */
function reconcileWritten(ctx: TickContext): CanaryRecord | CanaryTickPlan {
  const { record, pair, obs, config } = ctx;
  if (record.acceptObserved) {
    const written = { canary: pair.canary, stable: pair.stable, at: obs.now, verified: true, attempts: 0 };
    return { ...record, written, acceptObserved: false };
  }
  const written = record.written;
  if (!written) return record;
  const same = written.canary === pair.canary && written.stable === pair.stable;
  ctx.gates.push({
    gate: 'weights',
    ok: same,
    detail: `read ${pair.canary}/${pair.stable} (canary/stable), last written ${written.canary}/${written.stable}`,
  });
  if (same) return written.verified ? record : confirmWeights(record, config, obs.now);
  if (written.verified) {
    return pausePlan(
      ctx,
      `the weights changed outside ecs-autopilot: ${pair.canary}/${pair.stable} instead of ${written.canary}/${written.stable}; resume to adopt them`,
      { observedCanary: pair.canary, observedStable: pair.stable, writtenCanary: written.canary },
    );
  }
  ctx.unlanded = written;
  return record;
}

function planPhase(ctx: TickContext, judge: CanaryTickInput['judge']): CanaryTickPlan {
  const { record, obs, config } = ctx;
  if (record.phase === 'done' || record.phase === 'rolled-back') return planCleanup(ctx);
  if (record.phase === 'rolling-back') return planRollback(ctx);

  const firing = obs.alarms.filter((a) => a.state === 'ALARM').map((a) => a.name);
  ctx.gates.push({ gate: 'alarms', ok: firing.length === 0, detail: alarmGateDetail(obs.alarms, firing) });
  if (record.phase === 'pending') {
    if (firing.length) return hold(ctx, `gate alarm in ALARM: ${firing.join(', ')}; the canary does not start`);
    if (!windowGate(ctx) && !record.request) return hold(ctx, 'outside the promotion windows');
    return promoteTo(ctx, record.request === 'promote-full' ? config.steps.length - 1 : 0, 'start');
  }

  if (firing.length) return startRollback(ctx, `gate alarm in ALARM: ${firing.join(', ')}`);
  const verdict = judge.judge({
    canary: obs.metrics.canary,
    stable: obs.metrics.stable,
    stepStartedAt: record.stepStartedAt ?? obs.now,
    now: obs.now,
  });
  ctx.gates.push({ gate: 'judge', ok: verdict.outcome === 'pass', detail: `${verdict.outcome}: ${verdict.reason}` });
  if (verdict.outcome === 'fail') return startRollback(ctx, `${judge.name} judge: ${verdict.reason}`, verdict);
  if (ctx.unlanded) return writeAgain(ctx, ctx.unlanded, verdict);
  const last = config.steps.length - 1;
  if (record.step >= last) return hold(ctx, 'at the last step; waiting for its weights to read back', { verdict });
  if (record.request) {
    return promoteTo(ctx, record.request === 'promote-full' ? last : record.step + 1, 'promote', verdict);
  }
  const baked = secondsBetween(record.stepStartedAt ?? obs.now, obs.now) / 60;
  const bakeOk = baked >= config.bakeMinutes;
  ctx.gates.push({ gate: 'bake', ok: bakeOk, detail: `${Math.floor(baked)} of ${config.bakeMinutes} min` });
  if (!bakeOk) return hold(ctx, `baking: ${Math.floor(baked)} of ${config.bakeMinutes} min`, { verdict });
  if (!windowGate(ctx)) return hold(ctx, 'outside the promotion windows', { verdict });
  if (verdict.outcome === 'inconclusive') {
    if (baked >= config.bakeMinutes + config.maxHoldMinutes) {
      return {
        ...pausePlan(ctx, `held ${Math.floor(baked)} min without a verdict: ${verdict.reason}`, verdict.evidence),
        verdict,
      };
    }
    return hold(ctx, `judge inconclusive: ${verdict.reason}`, { verdict });
  }
  return promoteTo(ctx, record.step + 1, 'promote', verdict);
}

function windowGate(ctx: TickContext): boolean {
  const { config, obs } = ctx;
  const ok = promotionAllowed(config.windows, obs.now);
  const next = ok ? undefined : nextPromotionTime(config.windows, obs.now);
  ctx.gates.push({ gate: 'window', ok, detail: ok ? 'open' : `closed; opens ${next ?? 'not within 8 days'}` });
  return ok;
}

/**
 * Capacity first: the canary side on the release's task definition, scaled for the share `weights` give it and
 * healthy. The hold that prepares it or waits for it, or undefined once it is ready for those weights.
 */
function prepareCanary(
  ctx: TickContext,
  percent: number,
  weights: PairWeights,
  verdict?: JudgeVerdict,
): CanaryTickPlan | undefined {
  const { record, config, pair } = ctx;
  // The canary is sized for the share its whole weights give, as the executor's guard sizes it: on a pair total other
  // than 100 a step's weights round, and sized for the step alone it could never take them.
  const share = canaryPercent(weights);
  const needed = tasksForPercent(fullCapacity(ctx), share, config.minCanaryTasks);
  const shown =
    share === percent
      ? `${percent} %`
      : `${percent} % (${Math.round(share * 10) / 10} % by weights ${weights.canary}/${weights.stable})`;
  const side = ctx.obs.canary;
  const restore = restoreScalableMinimum(record, side);
  const intents: CanaryIntent[] = restore ? [restore] : [];
  if (side.taskDefinition !== record.taskDefinition) {
    intents.push({
      kind: 'set-task-definition',
      service: side.service,
      from: side.taskDefinition,
      to: record.taskDefinition,
      why: `the canary side runs the release's task definition`,
    });
  }
  if (side.desiredCount < needed) {
    intents.push({
      kind: 'set-desired-count',
      service: side.service,
      from: side.desiredCount,
      to: needed,
      weightNow: pair.canary,
      why: `capacity before weight: ${shown} of ${fullCapacity(ctx)} stable tasks needs ${needed} canary tasks`,
    });
  }
  const ready = intents.length === 0 && !side.deploying && side.healthyTargets >= needed;
  ctx.gates.push({
    gate: 'capacity',
    ok: ready,
    detail: `${side.healthyTargets} healthy canary targets of ${needed} needed for ${shown} (desired ${side.desiredCount}${side.deploying ? ', deploying' : ''})`,
  });
  if (ready) return undefined;
  const reason = intents.length
    ? `capacity first: preparing ${side.service} (${needed} tasks of ${record.taskDefinition}) before ${percent} %`
    : `waiting for ${needed} healthy canary targets before ${percent} % (have ${side.healthyTargets})`;
  return { decision: 'hold', reason, intents, gates: ctx.gates, ...(verdict ? { verdict } : {}) };
}

/**
 * The step's weights once more, after the gates passed again: its write never read back. The same capacity first as
 * the step itself, and a pause once the write's attempts are spent.
 */
function writeAgain(ctx: TickContext, unlanded: WrittenWeights, verdict: JudgeVerdict): CanaryTickPlan {
  const { record, obs, config } = ctx;
  const spent = spentWrite(ctx, unlanded);
  if (spent) return spent;
  const preparing = prepareCanary(ctx, config.steps[record.step] as number, unlanded, verdict);
  if (preparing) return preparing;
  const intent = weightIntent(ctx, unlanded, WRITE_AGAIN_WHY);
  const overload = overloadOf(intent, ctx.pair);
  if (overload) return hold(ctx, `not moving weight: ${overload}`, { verdict });
  const attempt = attemptOf(ctx, unlanded);
  return {
    decision: 'hold',
    reason: writeAgainReason(unlanded, attempt),
    intents: [intent],
    next: { ...record, written: unverified(unlanded, obs.now, attempt) },
    gates: ctx.gates,
    verdict,
  };
}

/** Capacity first, then weight: scale and wait for healthy canary targets, and only then write the step's weights. */
function promoteTo(
  ctx: TickContext,
  target: number,
  decision: 'start' | 'promote',
  verdict?: JudgeVerdict,
): CanaryTickPlan {
  const { record, obs, config, pair } = ctx;
  const percent = config.steps[target] as number;
  const weights = splitPair(pairTotal(pair), percent);
  const preparing = prepareCanary(ctx, percent, weights, verdict);
  if (preparing) return preparing;
  const reason = `${decision === 'start' ? 'start at' : 'promote to'} ${percent} % (weights ${weights.canary}/${weights.stable})${record.request ? ' by request' : ''}`;
  const intent = weightIntent(ctx, weights, reason);
  const overload = overloadOf(intent, pair);
  if (overload) return hold(ctx, `not moving weight: ${overload}`, verdict ? { verdict } : {});
  const next = transition(
    record,
    'ramping',
    {
      at: obs.now,
      by: record.request ? 'request' : BY_PROMOTER,
      reason,
      ...(verdict ? { evidence: verdict.evidence } : {}),
    },
    {
      step: target,
      stepStartedAt: obs.now,
      written: unverified(weights, obs.now),
      request: undefined,
      ...forgetScalableBounds(record, obs.canary.service),
    },
  );
  return {
    decision,
    reason,
    intents: [intent],
    next,
    gates: ctx.gates,
    ...(verdict ? { verdict } : {}),
  };
}
