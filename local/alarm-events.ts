import type { World } from './world.js';

/** The metric an alarm watches and how it compares: `greater` alarms above the threshold, `less` below it. */
export interface AlarmMetric {
  namespace: string;
  name: string;
  stat?: string;
  threshold?: number;
  comparison?: 'greater' | 'less';
}

/** What an alarm watches in a test world: one of its target groups, or one of its services. */
export type AlarmSubject = { targetGroupArn: string } | { service: string };

export interface AlarmEventOptions {
  alarmName: string;
  subject: AlarmSubject;
  /** Default `ALARM`, from `OK`. */
  state?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  previousState?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  /** When the current state began (ISO); default now. The previous state began ten minutes earlier. */
  at?: string;
  /** When the previous state began, for a recovery that must thread with its alarm. */
  previousAt?: string;
  metric?: AlarmMetric;
  alarmTags?: Record<string, string>;
  /** The state's reason; default CloudWatch's threshold-crossed text for the metric's comparison and threshold. */
  reason?: string;
  id?: string;
}

/**
 * CloudWatch's reason for a threshold alarm's state, with a datapoint on the side of the threshold that state says:
 * `… [85.0 (…)] was greater than the threshold (70.0) …` entering ALARM, `… was not greater than …` leaving it.
 */
function thresholdReason(metric: AlarmMetric, at: string) {
  const threshold = metric.threshold ?? 0;
  const comparison = metric.comparison ?? 'greater';
  const breaching = comparison === 'greater' ? threshold + Math.max(1, threshold / 5) : threshold / 2;
  const clear = comparison === 'greater' ? threshold / 2 : threshold * 2 + 1;
  const value = (n: number) => n.toFixed(1);
  return (state: string) =>
    state === 'ALARM'
      ? `Threshold Crossed: 1 out of the last 1 datapoints [${value(breaching)} (${at})] was ${comparison} than the threshold (${value(threshold)}) (minimum 1 datapoint for OK -> ALARM transition).`
      : `Threshold Crossed: 1 out of the last 1 datapoints [${value(clear)} (${at})] was not ${comparison} than the threshold (${value(threshold)}) (minimum 1 datapoint for ALARM -> OK transition).`;
}

/** CloudWatch's own timestamp form: `2019-10-01T13:56:40.987+0000`. */
function cloudwatchTime(iso: string): string {
  return iso.replace('Z', '+0000');
}

/**
 * A `CloudWatch Alarm State Change` event shaped like the published single-metric sample, for an alarm on one of the
 * world's target groups (TargetGroup + LoadBalancer dimensions) or services (ClusterName + ServiceName).
 */
export function alarmStateChangeEvent(world: World, options: AlarmEventOptions) {
  const state = options.state ?? 'ALARM';
  const previous = options.previousState ?? (state === 'ALARM' ? 'OK' : 'ALARM');
  const at = options.at ?? new Date().toISOString();
  const previousAt = options.previousAt ?? new Date(Date.parse(at) - 10 * 60_000).toISOString();
  const lb = world.loadBalancerArn.split(':loadbalancer/')[1] ?? '';
  const dimensions =
    'targetGroupArn' in options.subject
      ? { TargetGroup: options.subject.targetGroupArn.split(':').slice(5).join(':'), LoadBalancer: lb }
      : { ClusterName: world.clusterName, ServiceName: options.subject.service };
  const metric =
    options.metric ??
    ('targetGroupArn' in options.subject
      ? { namespace: 'AWS/ApplicationELB', name: 'UnHealthyHostCount', stat: 'Maximum', threshold: 0 }
      : { namespace: 'AWS/ECS', name: 'CPUUtilization', stat: 'Average', threshold: 70 });
  const reason = thresholdReason(metric, at);
  return {
    version: '0',
    id: options.id ?? crypto.randomUUID(),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: world.account,
    time: at.replace(/\.\d{3}Z$/, 'Z'),
    region: world.region,
    resources: [`arn:aws:cloudwatch:${world.region}:${world.account}:alarm:${options.alarmName}`],
    detail: {
      alarmName: options.alarmName,
      state: { value: state, reason: options.reason ?? reason(state), timestamp: cloudwatchTime(at) },
      previousState: { value: previous, reason: reason(previous), timestamp: cloudwatchTime(previousAt) },
      configuration: {
        description: `ecs-autopilot test alarm on ${metric.name}`,
        metrics: [
          {
            id: 'm1',
            metricStat: {
              metric: { dimensions, name: metric.name, namespace: metric.namespace },
              period: 60,
              stat: metric.stat ?? 'Average',
            },
            returnData: true,
          },
        ],
      },
      ...(options.alarmTags ? { alarmTags: options.alarmTags } : {}),
    },
  };
}
