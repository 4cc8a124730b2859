import { type CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';

/**
 * A metric alarm on an ALB's 5xx count through `cloudwatch`, in `state` with `reason` when given (moto never
 * evaluates alarms: the state is set).
 */
export async function putGateAlarm(
  cloudwatch: CloudWatchClient,
  name: string,
  state?: 'OK' | 'ALARM',
  reason = 'set by the test',
): Promise<void> {
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  if (state)
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason }));
}
