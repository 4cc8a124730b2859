import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readSideMinutes } from '#shared/canary/metrics.js';
import { RULE, TG_BLUE, TG_GREEN } from '#test/support/canary-builders.js';

const cloudwatch = new CloudWatchClient({ region: 'us-east-1' });
const mock = mockClient(cloudwatch);
const sides = { actionArn: RULE, canaryTargetGroupArn: TG_GREEN, stableTargetGroupArn: TG_BLUE };
const t = (minute: number) => new Date(Date.parse('2026-11-24T12:00:00.000Z') + minute * 60_000);

describe('Module: canary side minutes from CloudWatch', () => {
  beforeEach(() => mock.reset());

  it("asks for each side's requests, 5xx and response time per minute of its target group on the rule's load balancer", async () => {
    // Prepare
    mock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });

    // Act
    await readSideMinutes(cloudwatch, { ...sides, from: '2026-11-24T12:00:30.000Z', now: '2026-11-24T12:03:10.000Z' });

    // Assess: whole minutes, from the minute `from` falls in to the one before `now`'s
    const input = mock.commandCalls(GetMetricDataCommand)[0]?.args[0].input as GetMetricDataCommandInput;
    expect(input.StartTime).toEqual(t(0));
    expect(input.EndTime).toEqual(t(3));
    expect(input.ScanBy).toBe('TimestampAscending');
    expect(input.MetricDataQueries?.map((q) => [q.Id, q.MetricStat?.Metric?.MetricName, q.MetricStat?.Stat])).toEqual([
      ['c_req', 'RequestCount', 'Sum'],
      ['c_err', 'HTTPCode_Target_5XX_Count', 'Sum'],
      ['c_lat', 'TargetResponseTime', 'Average'],
      ['s_req', 'RequestCount', 'Sum'],
      ['s_err', 'HTTPCode_Target_5XX_Count', 'Sum'],
      ['s_lat', 'TargetResponseTime', 'Average'],
    ]);
    expect(input.MetricDataQueries?.[0]).toEqual({
      Id: 'c_req',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'RequestCount',
          Dimensions: [
            { Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' },
            { Name: 'TargetGroup', Value: 'targetgroup/web-green/fedcba9876543210' },
          ],
        },
        Period: 60,
        Stat: 'Sum',
      },
      ReturnData: true,
    });
    expect(input.MetricDataQueries?.[3]?.MetricStat?.Metric?.Dimensions?.[1]?.Value).toBe(
      'targetgroup/web-blue/0123456789abcdef',
    );
  });

  it('gives every minute of both sides, with 0 requests and no response time where CloudWatch has no datapoint', async () => {
    // Prepare
    mock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'c_req', Timestamps: [t(0), t(2)], Values: [40, 60] },
        { Id: 'c_err', Timestamps: [t(2)], Values: [3] },
        { Id: 'c_lat', Timestamps: [t(0)], Values: [0.12] },
        { Id: 's_req', Timestamps: [t(1)], Values: [900] },
      ],
    });

    // Act
    const minutes = await readSideMinutes(cloudwatch, { ...sides, from: t(0).toISOString(), now: t(3).toISOString() });

    // Assess
    expect(minutes.canary).toEqual([
      { at: t(0).toISOString(), requests: 40, errors: 0, latencySeconds: 0.12 },
      { at: t(1).toISOString(), requests: 0, errors: 0 },
      { at: t(2).toISOString(), requests: 60, errors: 3 },
    ]);
    expect(minutes.stable.map((m) => m.requests)).toEqual([0, 900, 0]);
  });

  it('reads every page and files a datapoint under the minute it falls in', async () => {
    // Prepare
    mock
      .on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'c_req', Timestamps: [t(0)], Values: [5] }], NextToken: 'page-2' })
      .resolves({ MetricDataResults: [{ Id: 'c_req', Timestamps: [new Date(t(1).getTime() + 20_000)], Values: [7] }] });

    // Act
    const minutes = await readSideMinutes(cloudwatch, { ...sides, from: t(0).toISOString(), now: t(2).toISOString() });

    // Assess
    expect(mock.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      'page-2',
    ]);
    expect(minutes.canary.map((m) => m.requests)).toEqual([5, 7]);
  });

  it('skips a timestamp without a value and gives an untimed minute no response time at all', async () => {
    // Prepare
    mock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'c_req', Timestamps: [t(0)] },
        { Id: 'c_lat', Timestamps: [t(0)], Values: [] },
      ],
    });

    // Act
    const minutes = await readSideMinutes(cloudwatch, { ...sides, from: t(0).toISOString(), now: t(1).toISOString() });

    // Assess
    expect(minutes.canary).toStrictEqual([{ at: t(0).toISOString(), requests: 0, errors: 0 }]);
  });

  it('asks nothing when no whole minute has passed since the judged period began', async () => {
    // Act
    const minutes = await readSideMinutes(cloudwatch, {
      ...sides,
      from: '2026-11-24T12:00:05.000Z',
      now: '2026-11-24T12:00:55.000Z',
    });

    // Assess
    expect(minutes).toEqual({ canary: [], stable: [] });
    expect(mock.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });
});
