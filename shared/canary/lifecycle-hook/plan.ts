import type { CanaryJudge, JudgeVerdict, MinuteMetrics } from '../judge.js';
import type { LifecycleHookEvent, LifecycleHookResponse } from './event.js';

/** How the hook holds and judges a step; ECS's own bake per step may then be 0. */
export interface HookSettings {
  /** Minutes a step is judged before it may succeed. */
  bakeMinutes: number;
  /** Minutes past the bake an inconclusive step is held before the hold is alerted (it never succeeds on its own). */
  maxHoldMinutes: number;
  /** Seconds between invocations while the step is held. */
  callBackDelaySeconds: number;
}

export const defaultHookSettings: HookSettings = { bakeMinutes: 10, maxHoldMinutes: 30, callBackDelaySeconds: 60 };

/** What the hook remembers between invocations of one deployment, in hookDetails under these keys. */
export interface HookMemory {
  judgedFrom: string;
  stepPercent: number;
  stepStartedAt: string;
  holdAlerted: boolean;
}

const MEMORY_KEY = 'ecsAutopilot';

/** What one invocation has to do: answer at once, or read the two revisions' minutes and judge them. */
export type HookSituation =
  | { kind: 'answer'; response: LifecycleHookResponse; reason: string }
  | { kind: 'judge'; canaryRevisionArn: string; stableRevisionArn: string; memory: HookMemory };

const shiftStages = new Set(['PRODUCTION_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT']);

function rememberedOf(event: LifecycleHookEvent): Partial<HookMemory> {
  const stored = event.hookDetails?.[MEMORY_KEY];
  return typeof stored === 'object' && stored !== null ? (stored as Partial<HookMemory>) : {};
}

/** Decides from the event alone whether this invocation needs the metrics, and what it remembers so far. */
export function hookSituation(event: LifecycleHookEvent, now: string): HookSituation {
  const { targetServiceRevisionArn: green, productionTrafficWeights } = event.executionDetails;
  const succeed = (reason: string): HookSituation => ({
    kind: 'answer',
    response: { hookStatus: 'SUCCEEDED' },
    reason,
  });
  if (!shiftStages.has(event.lifecycleStage)) return succeed(`nothing to judge at ${event.lifecycleStage}`);
  const others = Object.entries(productionTrafficWeights).filter(([arn]) => arn !== green);
  const greenPercent = productionTrafficWeights[green] ?? 0;
  const bluePercent = others.reduce((sum, [, weight]) => sum + weight, 0);
  if (greenPercent === 0 && bluePercent > 0) {
    return succeed('no production traffic on the target revision: nothing to judge, and a shift back is never held');
  }
  const blue = others.sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!blue || greenPercent >= 100) {
    return succeed(`no split to judge (target revision at ${greenPercent} %)`);
  }
  const remembered = rememberedOf(event);
  const sameStep = remembered.stepPercent === greenPercent && typeof remembered.stepStartedAt === 'string';
  const memory: HookMemory = {
    judgedFrom: typeof remembered.judgedFrom === 'string' ? remembered.judgedFrom : now,
    stepPercent: greenPercent,
    stepStartedAt: sameStep ? (remembered.stepStartedAt as string) : now,
    holdAlerted: sameStep ? remembered.holdAlerted === true : false,
  };
  return { kind: 'judge', canaryRevisionArn: green, stableRevisionArn: blue, memory };
}

/** The answer to one judged invocation, and whether a person must hear of it. */
export interface HookAnswer {
  response: LifecycleHookResponse;
  reason: string;
  verdict: JudgeVerdict;
  /** A rollback, or a hold past its maximum: alert once. */
  alert?: 'rolled-back' | 'held-too-long';
}

/**
 * Judges the target revision (canary) against the previous one (stable) with the minutes since the deployment's
 * first judged invocation: fail answers FAILED (ECS rolls back), pass after the bake answers SUCCEEDED, anything
 * else answers IN_PROGRESS, remembering the step; a hold past its maximum is alerted but never succeeds.
 */
export function planHookAnswer(
  memory: HookMemory,
  minutes: { canary: readonly MinuteMetrics[]; stable: readonly MinuteMetrics[] },
  now: string,
  judge: CanaryJudge,
  settings: HookSettings = defaultHookSettings,
): HookAnswer {
  const verdict = judge.judge({ ...minutes, stepStartedAt: memory.stepStartedAt, now });
  const baked = (Date.parse(now) - Date.parse(memory.stepStartedAt)) / 60_000;
  const details = (m: HookMemory) => ({ [MEMORY_KEY]: m, evidence: verdict.evidence });
  if (verdict.outcome === 'fail') {
    return {
      response: { hookStatus: 'FAILED' },
      reason: `${judge.name} judge: ${verdict.reason}`,
      verdict,
      alert: 'rolled-back',
    };
  }
  if (verdict.outcome === 'pass' && baked >= settings.bakeMinutes) {
    return {
      response: { hookStatus: 'SUCCEEDED' },
      reason: `${memory.stepPercent} % judged: ${verdict.reason}`,
      verdict,
    };
  }
  const heldTooLong = verdict.outcome === 'inconclusive' && baked >= settings.bakeMinutes + settings.maxHoldMinutes;
  const alert = heldTooLong && !memory.holdAlerted ? ('held-too-long' as const) : undefined;
  const next = { ...memory, holdAlerted: memory.holdAlerted || heldTooLong };
  const waiting =
    verdict.outcome === 'pass' ? `baking ${Math.floor(baked)} of ${settings.bakeMinutes} min` : verdict.reason;
  return {
    response: { hookStatus: 'IN_PROGRESS', callBackDelay: settings.callBackDelaySeconds, hookDetails: details(next) },
    reason: `holding ${memory.stepPercent} %: ${waiting}${heldTooLong ? ' (past the maximum hold: it never succeeds on its own)' : ''}`,
    verdict,
    ...(alert ? { alert } : {}),
  };
}
