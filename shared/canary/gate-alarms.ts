import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';

/** A gate alarm and its state now. */
export interface GateAlarm {
  name: string;
  state: string;
  reason?: string;
}

/**
 * The named alarms (metric and composite) and their states, and the names CloudWatch does not know: every page of
 * every call, 100 names a call (an alarm on a later page gates as much as one on the first).
 */
export async function observeGateAlarms(
  cloudwatch: CloudWatchClient,
  names: readonly string[],
): Promise<{ alarms: GateAlarm[]; missing: string[] }> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return { alarms: [], missing: [] };
  const alarms: GateAlarm[] = [];
  // DescribeAlarms takes at most 100 names a call.
  for (let i = 0; i < unique.length; i += 100) {
    let nextToken: string | undefined;
    do {
      const out = await cloudwatch.send(
        new DescribeAlarmsCommand({
          AlarmNames: unique.slice(i, i + 100),
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          NextToken: nextToken,
        }),
      );
      for (const alarm of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
        alarms.push({
          name: alarm.AlarmName ?? '',
          state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
          ...(alarm.StateReason ? { reason: alarm.StateReason } : {}),
        });
      }
      nextToken = out.NextToken;
    } while (nextToken);
  }
  const known = new Set(alarms.map((alarm) => alarm.name));
  return { alarms, missing: unique.filter((name) => !known.has(name)) };
}
