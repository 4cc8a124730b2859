import { targetGroupArnOfDimension } from '../aws/arn.js';
import type { AlarmRule } from '../config/schema.js';
import type { AlarmStateChangeEvent } from '../events/alarm-state-change.js';
import { untrustedTime } from '../events/origin.js';
import { matchesPattern } from '../validation/name-pattern.js';

/** The resource an alarm is about, read from its metric dimensions, or why there is none. */
export type AlarmResource =
  | { kind: 'target-group'; targetGroupArn: string; loadBalancer: string }
  | { kind: 'service'; clusterName: string; serviceName: string }
  | { kind: 'none'; why: string };

function resourceOfDimensions(dims: Record<string, string>, event: AlarmStateChangeEvent): AlarmResource | undefined {
  if (dims.TargetGroup && dims.LoadBalancer) {
    return {
      kind: 'target-group',
      // The dimension is the ARN's resource part, `targetgroup/<name>/<id>`: the rest comes from the event.
      targetGroupArn: targetGroupArnOfDimension(dims.TargetGroup, event.region, event.account),
      loadBalancer: dims.LoadBalancer,
    };
  }
  if (dims.ClusterName && dims.ServiceName) {
    return { kind: 'service', clusterName: dims.ClusterName, serviceName: dims.ServiceName };
  }
  return undefined;
}

/**
 * The one resource an alarm watches. Single-metric and metric-math alarms resolve when all their metrics name the
 * same target group or service; composite alarms and alarms across resources do not. Pure.
 */
export function resolveAlarmResource(event: AlarmStateChangeEvent): AlarmResource {
  const { configuration } = event.detail;
  if (configuration.alarmRule) return { kind: 'none', why: 'a composite alarm watches other alarms, not one resource' };
  const metrics = (configuration.metrics ?? []).filter((m) => m.metricStat);
  if (metrics.length === 0) return { kind: 'none', why: 'the alarm names no metric with dimensions' };
  // Stryker disable next-line OptionalChaining: the metrics were just filtered to those with a metricStat
  const resources = metrics.map((m) => resourceOfDimensions(m.metricStat?.metric.dimensions ?? {}, event));
  const first = resources[0];
  if (!first || resources.some((r) => r === undefined)) {
    return {
      kind: 'none',
      why: 'its metrics do not name a target group (TargetGroup + LoadBalancer) or a service (ClusterName + ServiceName)',
    };
  }
  const key = (r: AlarmResource | undefined) => JSON.stringify(r);
  if (resources.some((r) => key(r) !== key(first))) {
    return { kind: 'none', why: 'its metrics span more than one resource' };
  }
  return first;
}

/** The first rule whose alarm-name pattern and tags match the alarm. Pure. */
export function matchAlarmRule(rules: readonly AlarmRule[], event: AlarmStateChangeEvent): AlarmRule | undefined {
  const { alarmName, alarmTags } = event.detail;
  return rules.find((rule) => {
    // Stryker disable next-line ConditionalExpression: an absent pattern compiles to the empty one, which matches every name
    if (rule.alarmName !== undefined && !matchesPattern(rule.alarmName, alarmName)) return false;
    if (rule.alarmTags) {
      if (!alarmTags) return false;
      return Object.entries(rule.alarmTags).every(([k, v]) => alarmTags[k] === v);
    }
    return true;
  });
}

/** The time the alarm's current episode began: the thread an ALARM and its recovery share. */
export function alarmEpisode(event: AlarmStateChangeEvent): string {
  const { state, previousState } = event.detail;
  return state.value === 'ALARM' ? state.timestamp : previousState.timestamp;
}

/**
 * Why an alarm state is too old to act on, or cannot be dated, or undefined. The state's own timestamp is the age
 * (CloudWatch writes `+0000` offsets, which Date.parse reads); the event's time stands in when that cannot be read.
 * A state dated further ahead than clock skew explains is refused too: it would otherwise count as fresh for ever.
 * Pure.
 */
export function alarmStaleness(event: AlarmStateChangeEvent, now: Date, maxAgeSeconds: number): string | undefined {
  const stateAt = Date.parse(event.detail.state.timestamp);
  const at = Number.isNaN(stateAt) ? event.time : event.detail.state.timestamp;
  const untrusted = untrustedTime(at, now);
  if (untrusted) return `future-dated: the alarm state is ${untrusted}`;
  const ageSeconds = (now.getTime() - Date.parse(at)) / 1000;
  if (ageSeconds <= maxAgeSeconds) return undefined;
  return `stale: the alarm state is ${Math.round(ageSeconds)} s old (limit ${maxAgeSeconds} s); the alarm fires again if the condition holds`;
}
