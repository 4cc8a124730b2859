import type { LifecycleStage } from '../../events/lifecycle-hook.js';
import type { CarriedState } from './details.js';
import type { BlueGreenWiring, ForwardRule, Sides } from './types.js';

/** The weights of the stage's own traffic: production for the production shifts, test for the test shift. */
export function shiftedWeights(
  stage: LifecycleStage,
  weights: { production: Record<string, number>; test: Record<string, number> },
): Record<string, number> | undefined {
  if (stage === 'PRODUCTION_TRAFFIC_SHIFT' || stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT') return weights.production;
  if (stage === 'TEST_TRAFFIC_SHIFT') return weights.test;
  return undefined;
}

/** The target revision's percent in a weight map and the sum of the others' (undefined when it is not listed). */
export function greenPercent(weights: Record<string, number>, targetRevisionArn: string) {
  const green = weights[targetRevisionArn];
  const others = Object.entries(weights)
    .filter(([arn]) => arn !== targetRevisionArn)
    .reduce((sum, [, weight]) => sum + weight, 0);
  return { green, others };
}

/**
 * True when ECS runs a traffic shift back to the original revision, which it does on rollback by calling the
 * PRODUCTION_TRAFFIC_SHIFT and TEST_TRAFFIC_SHIFT hooks again: the target revision at 0 % with another above it, or
 * below the weight this execution saw before. Forward shifts only ever raise the target's weight.
 */
export function isShiftBackToBlue(
  stage: LifecycleStage,
  weights: Record<string, number> | undefined,
  targetRevisionArn: string,
  carried: CarriedState | undefined,
): boolean {
  if (stage !== 'PRODUCTION_TRAFFIC_SHIFT' && stage !== 'TEST_TRAFFIC_SHIFT') return false;
  if (weights === undefined) return false;
  const { green, others } = greenPercent(weights, targetRevisionArn);
  if (green === undefined) return false;
  if (green === 0 && others > 0) return true;
  return carried?.greenWeight !== undefined && green < carried.greenWeight;
}

/** A rule's share of traffic per target group, in percent of the forward action's total weight. */
function shares(rule: ForwardRule): Map<string, number> {
  const total = rule.targetGroups.reduce((sum, tg) => sum + tg.weight, 0);
  return new Map(rule.targetGroups.map((tg) => [tg.arn, total > 0 ? (100 * tg.weight) / total : 0]));
}

/**
 * Which target group is green: the one the target revision's resolved configuration names, else the one whose share
 * of the production rule is nearest the green percent ECS reports. Undefined when neither tells (an even split).
 */
export function sidesOf(
  wiring: BlueGreenWiring,
  revisionTargetGroupArn: string | undefined,
  rule: ForwardRule | undefined,
  greenWeight: number | undefined,
): Sides | undefined {
  const pair = [wiring.targetGroupArn, wiring.alternateTargetGroupArn];
  const other = (green: string) => pair.find((arn) => arn !== green) as string;
  if (revisionTargetGroupArn !== undefined && pair.includes(revisionTargetGroupArn)) {
    return { green: revisionTargetGroupArn, blue: other(revisionTargetGroupArn) };
  }
  if (rule === undefined || greenWeight === undefined) return undefined;
  const share = shares(rule);
  const distance = pair.map((arn) => Math.abs((share.get(arn) ?? 0) - greenWeight));
  const [first = 0, second = 0] = distance;
  if (first === second) return undefined;
  const green = (first < second ? pair[0] : pair[1]) as string;
  return { green, blue: other(green) };
}

/**
 * What is wrong with a listener rule that ECS shifts weights on, or undefined when nothing is: it must forward, and
 * only forward, to exactly the service's two target groups (ECS checks neither before shifting), and, when ECS says
 * what the weights are, carry them.
 */
export function forwardingProblem(
  rule: ForwardRule | undefined,
  ruleArn: string,
  wiring: BlueGreenWiring,
  expected?: { sides?: Sides; greenPercent: number },
): string | undefined {
  if (rule === undefined) return `listener rule ${ruleArn} was not found`;
  const others = rule.actionTypes.filter((type) => type !== 'forward');
  if (others.length > 0) {
    return `listener rule ${ruleArn} has ${others.join(', ')} actions besides forward, which ECS cannot shift`;
  }
  const forwarded = rule.targetGroups.map((tg) => tg.arn);
  const pair = [wiring.targetGroupArn, wiring.alternateTargetGroupArn];
  const missing = pair.filter((arn) => !forwarded.includes(arn));
  const extra = forwarded.filter((arn) => !pair.includes(arn));
  if (missing.length > 0 || extra.length > 0) {
    const says = [
      missing.length > 0 ? `does not forward to ${missing.join(', ')}` : '',
      extra.length > 0 ? `also forwards to ${extra.join(', ')}` : '',
    ].filter(Boolean);
    return `listener rule ${ruleArn} ${says.join(' and ')}: ECS shifts weights between ${pair.join(' and ')} only`;
  }
  if (rule.targetGroups.every((tg) => tg.weight === 0)) return `listener rule ${ruleArn} gives every target group 0`;
  if (expected === undefined) return undefined;
  const share = shares(rule);
  const near = (arn: string, percent: number) => Math.abs((share.get(arn) ?? 0) - percent) <= 1;
  const greens = expected.sides ? [expected.sides.green] : pair;
  if (greens.some((green) => near(green, expected.greenPercent))) return undefined;
  const now = pair.map((arn) => `${(share.get(arn) ?? 0).toFixed(1)} % to ${arn}`).join(', ');
  return `listener rule ${ruleArn} sends ${now}; ECS expects ${expected.greenPercent} % on green`;
}
