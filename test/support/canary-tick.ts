import type { CanaryJudge, JudgeVerdict } from '#shared/canary/judge.js';
import { planCanaryTick } from '#shared/canary/plan.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { CanaryObservation } from '#shared/canary/types.js';
import type { CanaryConfig } from '#shared/config/canary.js';
import { canaryConfig } from './canary-builders.js';

/** What the canary tick's planner tests share: one config, one instant, a fixed judge and the gates they expect. */
export const config = canaryConfig();
export const AT = '2026-11-24T10:05:00.000Z';
export const evidence = { canaryRequests: 1000 };

/** A judge that always gives the same verdict: the tick is judged on its other gates. */
export function fixed(outcome: JudgeVerdict['outcome'], reason = 'the judge says so'): CanaryJudge {
  return { name: 'fixed', judge: () => ({ outcome, reason, evidence }) as JudgeVerdict };
}

export function tick(record: CanaryRecord, obs: CanaryObservation, judge = fixed('pass'), cfg: CanaryConfig = config) {
  return planCanaryTick({ config: cfg, record, observation: obs, judge });
}

export const weightsGate = (read: string, written: string, ok = true) => ({
  gate: 'weights',
  ok,
  detail: `read ${read} (canary/stable), last written ${written}`,
});
export const alarmsOk = { gate: 'alarms', ok: true, detail: 'none in ALARM' };
export const windowOpen = { gate: 'window', ok: true, detail: 'open' };
export const sundaysOnly = canaryConfig({ windows: [{ days: ['sun'] }] });
