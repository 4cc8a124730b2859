import type { CanaryJudge } from '../judge.js';
import type { CarriedState } from './details.js';
import { forwardingProblem, greenPercent, isShiftBackToBlue, shiftedWeights, sidesOf } from './forwarding.js';
import type { BlueGreenWiring, StageDecision, StageObservation } from './types.js';

/** Why a gate stops the deployment: an alarm already in ALARM (which ECS ignores) or one that does not exist. */
function gateProblem(o: StageObservation): string | undefined {
  const firing = o.alarms.filter((alarm) => alarm.state === 'ALARM');
  if (firing.length > 0) {
    return `gate alarm ${firing.map((a) => `${a.name} is in ALARM${a.reason ? ` (${a.reason})` : ''}`).join('; ')}`;
  }
  if (o.missingAlarms.length > 0) return `gate alarm ${o.missingAlarms.join(', ')} does not exist in CloudWatch`;
  return undefined;
}

/** The production step under way: green judged against blue on their ALB metrics since this step's hook began. */
function judgeProductionShift(
  o: StageObservation,
  wiring: BlueGreenWiring,
  carried: CarriedState,
  judge: CanaryJudge,
): StageDecision {
  const { green: weight } = greenPercent(o.productionWeights, o.targetRevisionArn);
  const sides = sidesOf(wiring, o.revisionTargetGroupArn, o.productionRule, weight);
  const newStep = weight !== undefined && carried.greenWeight !== undefined && weight !== carried.greenWeight;
  const stepStartedAt = newStep ? o.now : (carried.stepStartedAt ?? carried.startedAt);
  const held = (Date.parse(o.now) - Date.parse(stepStartedAt)) / 60_000;
  const next = { ...carried, stepStartedAt, ...(weight !== undefined ? { greenWeight: weight } : {}) };
  const holdOrFail = (reason: string, evidence?: StageDecision['evidence']): StageDecision => {
    const state = { ...next, lastVerdict: 'inconclusive', lastReason: reason };
    if (held >= o.settings.maxHoldMinutes) {
      const failed = `still inconclusive after ${Math.floor(held)} minutes at ${weight ?? '?'} % (longest hold ${o.settings.maxHoldMinutes}): ${reason}`;
      return { hookStatus: 'FAILED', reason: failed, carried: state, ...(evidence ? { evidence } : {}) };
    }
    return {
      hookStatus: 'IN_PROGRESS',
      callBackDelay: o.settings.callBackDelaySeconds,
      reason,
      carried: state,
      ...(evidence ? { evidence } : {}),
    };
  };
  if (sides === undefined) return holdOrFail('cannot tell which target group serves the green revision');
  const located = { ...next, greenTargetGroupArn: sides.green, blueTargetGroupArn: sides.blue };
  if ((weight ?? 0) >= 100) {
    return {
      hookStatus: 'SUCCEEDED',
      reason: 'green takes all production traffic: no blue traffic is left to compare it with',
      carried: located,
    };
  }
  if (o.minutes === undefined) return holdOrFail('no ALB metrics were read');
  const verdict = judge.judge({
    canary: o.minutes.green,
    stable: o.minutes.blue,
    stepStartedAt,
    now: o.now,
  });
  const state = {
    ...located,
    judgements: carried.judgements + 1,
    lastVerdict: verdict.outcome,
    lastReason: verdict.reason,
  };
  const evidence = verdict.evidence;
  if (verdict.outcome === 'fail') {
    return { hookStatus: 'FAILED', reason: `green is worse than blue: ${verdict.reason}`, evidence, carried: state };
  }
  if (verdict.outcome === 'pass') return { hookStatus: 'SUCCEEDED', reason: verdict.reason, evidence, carried: state };
  return { ...holdOrFail(verdict.reason, evidence), carried: { ...state, lastVerdict: 'inconclusive' } };
}

/**
 * The answer to one invocation of the lifecycle hook. A shift back to blue (a rollback) always succeeds; otherwise
 * a gate alarm in ALARM fails any stage, a listener rule that does not forward to both target groups fails the test
 * and production shifts, and a production step is judged: pass → SUCCEEDED, fail → FAILED, inconclusive → ask again
 * (IN_PROGRESS) until the longest hold, then FAILED. Never SUCCEEDED on inconclusive evidence.
 */
export function planStage(o: StageObservation, judge: CanaryJudge): StageDecision {
  const carried: CarriedState = o.carried
    ? { ...o.carried, executionId: o.executionId }
    : { deploymentArn: o.deploymentArn, stage: o.stage, executionId: o.executionId, startedAt: o.now, judgements: 0 };
  const done = (hookStatus: 'SUCCEEDED' | 'FAILED', reason: string): StageDecision => ({
    hookStatus,
    reason,
    carried: { ...carried, lastVerdict: hookStatus, lastReason: reason },
  });
  const weights = shiftedWeights(o.stage, { production: o.productionWeights, test: o.testWeights });
  if (isShiftBackToBlue(o.stage, weights, o.targetRevisionArn, o.carried)) {
    return done('SUCCEEDED', `${o.stage} back to the original revision (a rollback): never held or failed`);
  }
  const gate = gateProblem(o);
  if (gate !== undefined) return done('FAILED', gate);
  const wiring = o.wiring;
  const shiftsProduction = o.stage === 'PRODUCTION_TRAFFIC_SHIFT' || o.stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT';
  if (wiring === undefined) {
    if (!shiftsProduction) return done('SUCCEEDED', `${o.stage}: no gate alarm in ALARM`);
    return done('FAILED', 'the service has no load balancer with advancedConfiguration: nothing to judge green on');
  }
  if (o.stage === 'TEST_TRAFFIC_SHIFT' && wiring.testListenerRule !== undefined) {
    const problem = forwardingProblem(o.testRule, wiring.testListenerRule, wiring);
    if (problem !== undefined) return done('FAILED', problem);
  }
  if (o.stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT') {
    const { green } = greenPercent(o.productionWeights, o.targetRevisionArn);
    const sides = sidesOf(wiring, o.revisionTargetGroupArn, o.productionRule, green);
    const expected = green !== undefined ? { ...(sides ? { sides } : {}), greenPercent: green } : undefined;
    const problem = forwardingProblem(o.productionRule, wiring.productionListenerRule, wiring, expected);
    if (problem !== undefined) return done('FAILED', problem);
    return done('SUCCEEDED', `listener rule ${wiring.productionListenerRule} forwards to both target groups`);
  }
  if (o.stage === 'PRODUCTION_TRAFFIC_SHIFT') {
    const problem = forwardingProblem(o.productionRule, wiring.productionListenerRule, wiring);
    if (problem !== undefined) return done('FAILED', problem);
    const judged = judgeProductionShift(o, wiring, carried, judge);
    const evidence = judged.evidence ? { lastEvidence: judged.evidence } : {};
    return { ...judged, carried: { ...judged.carried, lastReason: judged.reason, ...evidence } };
  }
  return done('SUCCEEDED', `${o.stage}: no gate alarm in ALARM`);
}
