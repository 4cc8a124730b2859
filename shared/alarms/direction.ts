import type { AlarmDetail } from '../events/alarm-state-change.js';

/** The side of its threshold (or anomaly band) an alarm's metric broke out on. */
export type Breach = 'above' | 'below';

const ABOVE = new Set(['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'GreaterThanUpperThreshold']);
const BELOW = new Set(['LessThanThreshold', 'LessThanOrEqualToThreshold', 'LessThanLowerThreshold']);
const BAND = new Set([
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
]);

/** An anomaly-detection alarm: its band operator, or an ANOMALY_DETECTION_BAND expression among its metrics. */
export function isBandAlarm(detail: AlarmDetail): boolean {
  const { comparisonOperator, thresholdMetricId, metrics = [] } = detail.configuration;
  if (comparisonOperator !== undefined) return BAND.has(comparisonOperator);
  // Stryker disable next-line StringLiteral: any stand-in for a missing expression that names no band reads the same
  return thresholdMetricId !== undefined || metrics.some((m) => /ANOMALY_DETECTION_BAND/i.test(m.expression ?? ''));
}

/** The breach side from reasonData: every datapoint against its band, or against the static threshold. */
function breachFromReasonData(reasonData: string | undefined, operator: string | undefined): Breach | undefined {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(reasonData ?? '') as Record<string, unknown>;
  } catch {
    return undefined;
  }
  // Stryker disable next-line ArrayDeclaration: a stand-in list of text compares as no datapoint on either side
  const numbers = (v: unknown) => (Array.isArray(v) ? v.filter((n): n is number => typeof n === 'number') : []);
  const points = numbers(data.recentDatapoints);
  const lower = numbers(data.recentLowerThresholds);
  const upper = numbers(data.recentUpperThresholds);
  const sides = new Set<Breach>();
  points.forEach((value, i) => {
    // A datapoint without an edge of the band on one side cannot have left it on that side.
    if (value > (upper[i] ?? Number.POSITIVE_INFINITY)) sides.add('above');
    if (value < (lower[i] ?? Number.NEGATIVE_INFINITY)) sides.add('below');
  });
  if (sides.size === 1) return [...sides][0];
  // A static threshold tells the side only when the operator is two-sided data cannot resolve.
  if (sides.size === 0 && operator === undefined && typeof data.threshold === 'number' && points.length > 0) {
    if (points.every((p) => p > (data.threshold as number))) return 'above';
    if (points.every((p) => p < (data.threshold as number))) return 'below';
  }
  return undefined;
}

/** The breach side from CloudWatch's reason text ("greater than the upper thresholds", "less than the threshold"). */
function breachFromReason(reason: string | undefined): Breach | undefined {
  // Stryker disable next-line StringLiteral: any stand-in text that says neither "greater than" nor "less than" reads the same
  const text = (reason ?? '').replace(/\bnot (greater|less) than\b/gi, '');
  const above = /\bgreater than (or equal to )?the (upper )?thresholds?\b/i.test(text);
  const below = /\bless than (or equal to )?the (lower )?thresholds?\b/i.test(text);
  if (above === below) return undefined;
  return above ? 'above' : 'below';
}

/** On which side the metric broke out, and the evidence; undefined when the event cannot tell. Pure. */
export function breachOf(detail: AlarmDetail): { breach: Breach; evidence: string } | undefined {
  const operator = detail.configuration.comparisonOperator;
  if (operator && ABOVE.has(operator)) return { breach: 'above', evidence: `comparison ${operator}` };
  if (operator && BELOW.has(operator)) return { breach: 'below', evidence: `comparison ${operator}` };
  const fromData = breachFromReasonData(detail.state.reasonData, operator);
  if (fromData) return { breach: fromData, evidence: 'the datapoints in the reason data' };
  const fromText = breachFromReason(detail.state.reason);
  if (fromText) return { breach: fromText, evidence: 'the state reason' };
  return undefined;
}

/** Which way to scale for an alarm a scaling rule matched, or why not to scale at all. */
export type ScalingDirection = { direction: 'out' | 'in'; because?: string } | { direction: undefined; why: string };

/**
 * An ordinary alarm breaks out on one known side, so the rule's reaction stands. An anomaly band can break either
 * way: the side the metric left it on picks the direction, and a side that cannot be told means no scaling. Pure.
 */
export function scalingDirection(detail: AlarmDetail, reaction: 'scale-out' | 'scale-in'): ScalingDirection {
  if (!isBandAlarm(detail)) return { direction: reaction === 'scale-out' ? 'out' : 'in' };
  const found = breachOf(detail);
  if (!found) {
    return {
      direction: undefined,
      why: 'not scaled: the alarm watches an anomaly band, and neither its comparison, its reason data nor its reason says on which side the metric left it',
    };
  }
  const direction = found.breach === 'above' ? 'out' : 'in';
  return {
    direction,
    because: `the metric is ${found.breach} its anomaly band (${found.evidence}): scaling ${direction}`,
  };
}
