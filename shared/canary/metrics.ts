import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { loadBalancerDimension, targetGroupDimension } from '../aws/arn.js';
import type { MinuteMetrics } from './judge.js';

/** The `app/<name>/<id>` dimension of the load balancer a listener or listener rule ARN belongs to. */
export function loadBalancerDimensionOfAction(listenerOrRuleArn: string): string {
  const [prefix, resource = ''] = listenerOrRuleArn.split(/:listener(?:-rule)?\//);
  const [type, name, id] = resource.split('/');
  return loadBalancerDimension(`${prefix}:loadbalancer/${type}/${name}/${id}`);
}

const metrics = [
  ['req', 'RequestCount', 'Sum'],
  ['err', 'HTTPCode_Target_5XX_Count', 'Sum'],
  ['lat', 'TargetResponseTime', 'Average'],
] as const;

function queries(side: string, loadBalancer: string, targetGroup: string): MetricDataQuery[] {
  return metrics.map(([id, name, stat]) => ({
    Id: `${side}_${id}`,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: name,
        Dimensions: [
          { Name: 'LoadBalancer', Value: loadBalancer },
          { Name: 'TargetGroup', Value: targetGroup },
        ],
      },
      Period: 60,
      Stat: stat,
    },
    ReturnData: true,
  }));
}

/**
 * Each side's complete minutes from `from` to the minute before `now`: 60-second sums of requests and 5xx and the
 * average response time per target group. A minute without a datapoint counts 0 requests (no traffic is no evidence).
 */
export async function readSideMinutes(
  cloudwatch: CloudWatchClient,
  input: { actionArn: string; canaryTargetGroupArn: string; stableTargetGroupArn: string; from: string; now: string },
): Promise<{ canary: MinuteMetrics[]; stable: MinuteMetrics[] }> {
  const lb = loadBalancerDimensionOfAction(input.actionArn);
  const start = Math.floor(Date.parse(input.from) / 60_000) * 60_000;
  const end = Math.floor(Date.parse(input.now) / 60_000) * 60_000;
  if (end <= start) return { canary: [], stable: [] };
  const values = new Map<string, Map<number, number>>();
  let nextToken: string | undefined;
  do {
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(end),
        MetricDataQueries: [
          ...queries('c', lb, targetGroupDimension(input.canaryTargetGroupArn)),
          ...queries('s', lb, targetGroupDimension(input.stableTargetGroupArn)),
        ],
        ScanBy: 'TimestampAscending',
        NextToken: nextToken,
      }),
    );
    for (const result of out.MetricDataResults ?? []) {
      const series = values.get(result.Id ?? '') ?? new Map<number, number>();
      (result.Timestamps ?? []).forEach((t, i) => {
        const v = result.Values?.[i];
        if (v !== undefined) series.set(Math.floor(new Date(t).getTime() / 60_000) * 60_000, v);
      });
      values.set(result.Id ?? '', series);
    }
    nextToken = out.NextToken;
  } while (nextToken);
  const side = (prefix: string): MinuteMetrics[] => {
    const out: MinuteMetrics[] = [];
    for (let t = start; t < end; t += 60_000) {
      const latency = values.get(`${prefix}_lat`)?.get(t);
      out.push({
        at: new Date(t).toISOString(),
        requests: values.get(`${prefix}_req`)?.get(t) ?? 0,
        errors: values.get(`${prefix}_err`)?.get(t) ?? 0,
        ...(latency !== undefined ? { latencySeconds: latency } : {}),
      });
    }
    return out;
  };
  return { canary: side('c'), stable: side('s') };
}
