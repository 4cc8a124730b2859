import { judgeFor } from '#shared/canary/judges/for-config.js';
import { observeCanary, observeSides } from '#shared/canary/observe.js';
import { planCanaryTick } from '#shared/canary/plan.js';
import type { CanaryRecord, CanaryTransition } from '#shared/canary/status.js';
import { readCanary } from '#shared/canary/store.js';
import type { GateResult, SideObservation } from '#shared/canary/types.js';
import { nextPromotionTime } from '#shared/canary/window.js';
import { actionArnOf, type CanaryConfig } from '#shared/config/canary.js';
import { statedPlace } from '#shared/config/places.js';
import { forwardSnapshotOf } from '#shared/targets/forward.js';
import { readActionList } from '#shared/targets/forward-read.js';
import type { CanaryContext } from './canary-context.js';

/** One side as status shows it. */
export interface SideView {
  service: string;
  taskDefinition: string;
  weight: number;
  healthyTargets: number;
  desiredCount: number;
  /** Its Application Auto Scaling bounds now, when it has a scalable target. */
  scalableTarget?: { min: number; max: number };
  /** The bounds it had before its minimum was lowered at scale-in: put back when it next needs capacity. */
  scalableBoundsToRestore?: { min: number; max: number };
}

/** Everything `canary status` shows of one canary; `--json` prints exactly this. */
export interface CanaryStatusView {
  name: string;
  phase: CanaryRecord['phase'] | 'not-started';
  release?: number;
  step?: number;
  stepPercent?: number;
  steps: number[];
  reason?: string;
  canary?: SideView;
  stable?: SideView;
  weights: Record<string, number>;
  timeInStepSeconds?: number;
  nextPromotionAt?: string;
  gates: GateResult[];
  nextTick?: { decision: string; reason: string };
  history: CanaryTransition[];
}

const sideView = (side: SideObservation, weight: number, record?: CanaryRecord): SideView => {
  const toRestore = record?.scalableBounds?.[side.service];
  return {
    service: side.service,
    taskDefinition: side.taskDefinition,
    weight,
    healthyTargets: side.healthyTargets,
    desiredCount: side.desiredCount,
    ...(side.scalableTarget ? { scalableTarget: { min: side.scalableTarget.min, max: side.scalableTarget.max } } : {}),
    ...(toRestore ? { scalableBoundsToRestore: toRestore } : {}),
  };
};

/** Reads a canary's record and the world and asks the planner, without acting, what the next tick would do. */
export async function canaryStatus(ctx: CanaryContext, canary: CanaryConfig, now: string): Promise<CanaryStatusView> {
  const place = canary.account === undefined ? undefined : statedPlace(canary, ctx.config);
  const stored = await readCanary(ctx.store, canary.name, place);
  const base = { name: canary.name, steps: canary.steps, gates: [] as GateResult[] };
  const forward = forwardSnapshotOf(await readActionList(ctx.clients.elbv2, actionArnOf(canary)));
  const weights = Object.fromEntries((forward?.targetGroups ?? []).map((tg) => [tg.targetGroupArn, tg.weight]));
  if (!stored) {
    const sides = await observeSides(ctx.clients, canary);
    const [stable, idle] = (weights[sides[0].targetGroupArn] ?? 0) > 0 ? sides : [sides[1], sides[0]];
    return {
      ...base,
      phase: 'not-started',
      weights,
      stable: sideView(stable, weights[stable.targetGroupArn] ?? 0),
      canary: sideView(idle, weights[idle.targetGroupArn] ?? 0),
      history: [],
    };
  }
  const record = stored.data;
  const observation = await observeCanary(ctx.clients, canary, record, now);
  const plan = planCanaryTick({ config: canary, record, observation, judge: judgeFor(canary.judge) });
  const stepStart = record.stepStartedAt;
  const bakeEnds = stepStart ? new Date(Date.parse(stepStart) + canary.bakeMinutes * 60_000).toISOString() : now;
  const promotable = record.phase === 'ramping' || record.phase === 'pending';
  const from = Date.parse(bakeEnds) > Date.parse(now) ? bakeEnds : now;
  const nextPromotionAt = promotable ? nextPromotionTime(canary.windows, from) : undefined;
  return {
    ...base,
    phase: record.phase,
    release: record.release,
    step: record.step,
    ...(record.step >= 0 ? { stepPercent: canary.steps[record.step] } : {}),
    reason: record.reason,
    weights,
    canary: sideView(observation.canary, weights[record.canary.targetGroupArn] ?? 0, record),
    stable: sideView(observation.stable, weights[record.stable.targetGroupArn] ?? 0, record),
    ...(stepStart ? { timeInStepSeconds: Math.round((Date.parse(now) - Date.parse(stepStart)) / 1000) } : {}),
    ...(nextPromotionAt ? { nextPromotionAt } : {}),
    gates: plan.gates,
    nextTick: { decision: plan.decision, reason: plan.reason },
    history: record.history,
  };
}

const short = (arn: string) => arn.split('/').pop() ?? arn;

/** The human form of a status: what a person on call reads first, then the gates and the history. */
export function formatStatus(view: CanaryStatusView, historyLines = 8): string {
  const percent = view.stepPercent === undefined ? '0 %' : `${view.stepPercent} %`;
  const step = view.step === undefined || view.step < 0 ? 'no step yet' : `step ${view.step + 1}/${view.steps.length}`;
  const lines = [
    `${view.name}: ${view.phase}${view.phase === 'not-started' ? '' : `, ${step} (${percent}), release ${view.release}`}`,
  ];
  if (view.reason) lines.push(`  ${view.reason}`);
  for (const [role, side] of [
    ['canary', view.canary],
    ['stable', view.stable],
  ] as const) {
    if (side) {
      const scalable = side.scalableTarget
        ? `; scalable target ${side.scalableTarget.min}-${side.scalableTarget.max}${side.scalableBoundsToRestore ? ` (min ${side.scalableBoundsToRestore.min} back when it next takes traffic)` : ''}`
        : '';
      lines.push(
        `  ${role} ${side.service} (${short(side.taskDefinition)}): weight ${side.weight}, ${side.healthyTargets} healthy of ${side.desiredCount} desired${scalable}`,
      );
    }
  }
  if (view.timeInStepSeconds !== undefined)
    lines.push(`  in this step for ${Math.floor(view.timeInStepSeconds / 60)} min`);
  if (view.nextPromotionAt) lines.push(`  next promotion possible at ${view.nextPromotionAt}`);
  for (const gate of view.gates) lines.push(`  gate ${gate.gate}: ${gate.ok ? 'ok' : 'not yet'} (${gate.detail})`);
  if (view.nextTick) lines.push(`  next tick would: ${view.nextTick.decision} (${view.nextTick.reason})`);
  if (view.history.length) {
    lines.push('  history:');
    for (const h of view.history.slice(-historyLines)) {
      lines.push(`    ${h.at} ${h.by}: ${h.from} → ${h.to}: ${h.reason}`);
    }
  }
  return lines.join('\n');
}
