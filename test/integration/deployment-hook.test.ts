import { ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { putGateAlarm } from '#local/canary-world.js';
import type { LifecycleHookAnswer } from '#shared/events/lifecycle-hook.js';
import {
  addPlainService,
  type BlueGreenWorld,
  provisionBlueGreen,
  putAlbMinutes,
  serviceRevisionsAsEcs,
} from '#test/support/blue-green-world.js';
import { loadEvent } from '#test/support/fixtures.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { lambdaContext } from '../../cli/replay.js';

// ECS's DescribeServiceRevisions is not in moto: the proxy answers it as ECS does, naming green's target group.
const proxy = await useMotoProxy();
const { handler } = await import('#functions/deployment-hook/handler.js');

type HookEvent = {
  executionId: string;
  resourceArn: string;
  executionDetails: {
    serviceArn: string;
    targetServiceRevisionArn: string;
    testTrafficWeights: Record<string, number>;
    productionTrafficWeights: Record<string, number>;
  };
  hookDetails?: Record<string, unknown>;
};

const healthy = { requests: 100, errors: 1, latencySeconds: 0.1 };
const blueTraffic = { requests: 900, errors: 9, latencySeconds: 0.1 };

describe('Function: deployment-hook', () => {
  let world: BlueGreenWorld;
  let green: string;
  let blue: string;

  /** One of the guide's payloads, moved to the world's service, with production weights green/blue if given. */
  function payload(sample: string, greenPercent?: number, hookDetails?: Record<string, unknown>): HookEvent {
    const event = loadEvent(`ecs-lifecycle-hook/${sample}`) as HookEvent;
    const details = event.executionDetails;
    const moved = (arn: string) =>
      arn.replace(
        /^arn:aws:ecs:us-west-2:123456789012:service-revision\/my-cluster\/my-service/,
        `arn:aws:ecs:us-east-1:123456789012:service-revision/${world.clusterName}/web`,
      );
    green = moved(details.targetServiceRevisionArn);
    blue = moved('arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/1920498462936580504');
    const move = (weights: Record<string, number>) =>
      Object.fromEntries(Object.entries(weights).map(([arn, weight]) => [moved(arn), weight]));
    event.resourceArn = event.resourceArn.replace('us-west-2', 'us-east-1');
    details.serviceArn = world.serviceArn;
    details.targetServiceRevisionArn = green;
    details.testTrafficWeights = move(details.testTrafficWeights);
    details.productionTrafficWeights =
      greenPercent === undefined
        ? move(details.productionTrafficWeights)
        : { [green]: greenPercent, [blue]: 100 - greenPercent };
    if (hookDetails !== undefined) event.hookDetails = hookDetails;
    return event;
  }

  const invoke = (event: HookEvent) =>
    (handler as unknown as (e: unknown, c: unknown) => Promise<LifecycleHookAnswer>)(
      event,
      lambdaContext('deployment-hook'),
    );

  /** hookDetails as an earlier call of this execution returned them, begun `minutesAgo` minutes ago. */
  const carriedSince = (event: HookEvent, minutesAgo: number, more: Record<string, unknown> = {}) => ({
    ...more,
    ecsAutopilot: {
      deploymentArn: event.resourceArn,
      stage: 'PRODUCTION_TRAFFIC_SHIFT',
      executionId: event.executionId,
      greenWeight: 10,
      startedAt: new Date(Math.floor(Date.now() / 60_000) * 60_000 - minutesAgo * 60_000).toISOString(),
      judgements: 1,
    },
  });

  beforeEach(async () => {
    world = await provisionBlueGreen(proxy.endpoint);
    proxy.addRule(serviceRevisionsAsEcs(world, () => green));
  });

  it('lets the production shift proceed when the rule forwards to both target groups', async () => {
    // Prepare: before the first step, everything on blue.
    await world.clients.elb.send(
      new ModifyRuleCommand({
        RuleArn: world.productionRuleArn,
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: world.blueTargetGroupArn, Weight: 100 },
                { TargetGroupArn: world.greenTargetGroupArn, Weight: 0 },
              ],
            },
          },
        ],
      }),
    );

    // Act
    const answer = await invoke(payload('pre-production-traffic-shift'));

    // Assess
    expect(answer.hookStatus).toBe('SUCCEEDED');
  });

  it('fails before the production shift when the rule forwards to blue only', async () => {
    // Prepare
    await world.clients.elb.send(
      new ModifyRuleCommand({
        RuleArn: world.productionRuleArn,
        Actions: [{ Type: 'forward', TargetGroupArn: world.blueTargetGroupArn }],
      }),
    );

    // Act
    const answer = await invoke(payload('pre-production-traffic-shift'));

    // Assess
    expect(answer.hookStatus).toBe('FAILED');
    expect(answer.hookDetails?.ecsAutopilot).toMatchObject({
      lastReason: expect.stringContaining(`does not forward to ${world.greenTargetGroupArn}`),
    });
  });

  it('checks the test listener rule before the test shift: both target groups let it proceed, one alone fails it', async () => {
    // Prepare: the world's test rule forwards to both groups (blue 0, green 100).
    const event = payload('test-traffic-shift');

    // Act
    const good = await invoke(event);
    await world.clients.elb.send(
      new ModifyRuleCommand({
        RuleArn: world.testRuleArn,
        Actions: [{ Type: 'forward', TargetGroupArn: world.blueTargetGroupArn }],
      }),
    );
    const bad = await invoke(payload('test-traffic-shift'));

    // Assess
    expect(good.hookStatus).toBe('SUCCEEDED');
    expect(bad.hookStatus).toBe('FAILED');
    expect(bad.hookDetails?.ecsAutopilot).toMatchObject({
      lastReason: expect.stringContaining(`does not forward to ${world.greenTargetGroupArn}`),
    });
  });

  it('fails at once on a gate alarm that is already in ALARM', async () => {
    // Prepare
    await putGateAlarm(world.clients.cloudwatch, 'shop-web-5xx', 'ALARM', '12 errors > 5');

    // Act
    const answer = await invoke(payload('post-scale-up', undefined, { alarmNames: ['shop-web-5xx'] }));

    // Assess
    expect(answer.hookStatus).toBe('FAILED');
    expect(answer.hookDetails).toMatchObject({
      alarmNames: ['shop-web-5xx'],
      ecsAutopilot: { lastReason: 'gate alarm shop-web-5xx is in ALARM (12 errors > 5)' },
    });
  });

  it('succeeds a production step whose green is healthy with enough traffic', async () => {
    // Prepare
    const event = payload('production-traffic-shift', 10);
    event.hookDetails = carriedSince(event, 20);
    await putAlbMinutes(world, new Date(), 20, { green: healthy, blue: blueTraffic });

    // Act
    const answer = await invoke(event);

    // Assess
    expect(answer.hookStatus).toBe('SUCCEEDED');
    expect(answer.hookDetails?.ecsAutopilot).toMatchObject({
      greenTargetGroupArn: world.greenTargetGroupArn,
      lastVerdict: 'pass',
      judgements: 2,
    });
  });

  it('fails a production step whose green has three times the 5xx rate, with the evidence', async () => {
    // Prepare
    const event = payload('production-traffic-shift', 10);
    event.hookDetails = carriedSince(event, 20);
    await putAlbMinutes(world, new Date(), 20, { green: { ...healthy, errors: 3 }, blue: blueTraffic });

    // Act
    const answer = await invoke(event);

    // Assess
    expect(answer.hookStatus).toBe('FAILED');
    expect(answer.hookDetails?.ecsAutopilot).toMatchObject({
      lastVerdict: 'fail',
      lastReason: expect.stringMatching(
        /^green is worse than blue: canary 5xx 60\/2000 \(3\.00 %\) vs stable 180\/18000/,
      ),
      lastEvidence: expect.objectContaining({ canaryErrors: 60, canaryRequests: 2000, stableErrors: 180 }),
    });
  });

  it('holds a thin production step with a callback delay, carrying its start and settings in hookDetails', async () => {
    // Prepare
    const event = payload('production-traffic-shift', 10);
    event.hookDetails = carriedSince(event, 5, { maxHoldMinutes: 30, callBackDelaySeconds: 120 });
    await putAlbMinutes(world, new Date(), 5, {
      green: { ...healthy, requests: 4 },
      blue: { ...blueTraffic, requests: 36 },
    });

    // Act
    const answer = await invoke(event);

    // Assess
    expect(answer).toMatchObject({ hookStatus: 'IN_PROGRESS', callBackDelay: 120 });
    expect(answer.hookDetails).toMatchObject({
      maxHoldMinutes: 30,
      callBackDelaySeconds: 120,
      ecsAutopilot: {
        executionId: event.executionId,
        startedAt: (event.hookDetails.ecsAutopilot as { startedAt: string }).startedAt,
        greenWeight: 10,
        lastVerdict: 'inconclusive',
        lastReason: expect.stringContaining('too little traffic'),
      },
    });
  });

  it('never answers SUCCEEDED on inconclusive data: a thin step held past the longest hold fails', async () => {
    // Prepare
    const event = payload('production-traffic-shift', 10);
    event.hookDetails = carriedSince(event, 31, { maxHoldMinutes: 30 });
    await putAlbMinutes(world, new Date(), 31, {
      green: { ...healthy, requests: 2 },
      blue: { ...blueTraffic, requests: 18 },
    });

    // Act
    const answer = await invoke(event);

    // Assess
    expect(answer.hookStatus).toBe('FAILED');
    expect(answer.hookDetails?.ecsAutopilot).toMatchObject({
      lastReason: expect.stringMatching(/^still inconclusive after 31 minutes at 10 % \(longest hold 30\)/),
    });
  });

  it('succeeds the shift back to blue during a rollback, even with its gate alarm in ALARM, settings it cannot read and no AWS call', async () => {
    // Prepare
    const event = payload('production-traffic-shift-rollback', undefined, {
      alarmNames: ['shop-web-5xx'],
      maxHoldMinutes: 0,
    });
    proxy.reset();

    // Act
    const answer = await invoke(event);

    // Assess
    expect(answer.hookStatus).toBe('SUCCEEDED');
    expect(proxy.calls()).toEqual([]);
  });

  // What each stage reads: the rule it is about to shift, green's target group only where production moves, the
  // sides' minutes only while a production step is being judged, and nothing of the listener after the shifts.
  it.each([
    { sample: 'pre-scale-up', green: undefined, rule: undefined, revisions: 0, minutes: false },
    { sample: 'test-traffic-shift', green: undefined, rule: 'test', revisions: 0, minutes: false },
    { sample: 'post-test-traffic-shift', green: undefined, rule: undefined, revisions: 0, minutes: false },
    { sample: 'pre-production-traffic-shift', green: 0, rule: 'production', revisions: 1, minutes: false },
    { sample: 'production-traffic-shift', green: 10, rule: 'production', revisions: 1, minutes: true },
    { sample: 'production-traffic-shift', green: 100, rule: 'production', revisions: 1, minutes: false },
    { sample: 'post-production-traffic-shift', green: undefined, rule: undefined, revisions: 0, minutes: false },
  ] as const)(
    'reads at $sample (green $green %) the $rule rule, the revision $revisions time(s), minutes: $minutes',
    async (stage) => {
      // Prepare: which rules are read, from the query the ELB API receives.
      const rulesRead: string[] = [];
      proxy.addRule({
        match: (call) => {
          if (call.operation === 'DescribeRules')
            rulesRead.push((call.params as Record<string, string>)['RuleArns.member.1'] ?? '');
          return false;
        },
      });
      const event = payload(stage.sample, stage.green);
      // A production step begun five minutes ago: five whole minutes of the sides to judge, if the stage reads them.
      if (stage.sample === 'production-traffic-shift') event.hookDetails = carriedSince(event, 5);

      // Act
      await invoke(event);

      // Assess
      const count = (operation: string) => proxy.calls().filter((call) => call.operation === operation).length;
      const ruleArn = { test: world.testRuleArn, production: world.productionRuleArn };
      expect(rulesRead).toEqual(stage.rule === undefined ? [] : [ruleArn[stage.rule]]);
      expect(count('DescribeServices')).toBe(1);
      expect(count('DescribeServiceRevisions')).toBe(stage.revisions);
      expect(count('GetMetricData') > 0).toBe(stage.minutes);
    },
  );

  it('answers for a service without blue/green wiring from its alarms alone, and fails a production shift it cannot judge', async () => {
    // Prepare: the hook attached to a service whose load balancer entry has no advancedConfiguration.
    const plain = await addPlainService(world, 'plain');
    const onPlain = (event: HookEvent) => {
      event.executionDetails.serviceArn = plain;
      return event;
    };

    // Act
    const testShift = await invoke(onPlain(payload('test-traffic-shift')));
    const productionShift = await invoke(onPlain(payload('pre-production-traffic-shift', 0)));

    // Assess
    expect(testShift.hookStatus).toBe('SUCCEEDED');
    expect(productionShift.hookStatus).toBe('FAILED');
    expect(productionShift.hookDetails?.ecsAutopilot).toMatchObject({
      lastReason: 'the service has no load balancer with advancedConfiguration: nothing to judge green on',
    });
    expect(proxy.calls().filter((call) => call.operation === 'DescribeRules')).toEqual([]);
  });

  it('throws on settings in hookDetails it cannot read before a forward stage, naming the bad field', async () => {
    // Prepare
    const event = payload('production-traffic-shift', 10, { maxHoldMinutes: 0 });

    // Act
    const answering = invoke(event);

    // Assess
    await expect(answering).rejects.toMatchObject({
      name: 'InvalidEventError',
      problems: [expect.stringContaining('maxHoldMinutes')],
    });
  });

  it('throws on a payload it cannot read, which ECS treats as FAILED, naming the bad field', async () => {
    // Prepare
    const event = payload('production-traffic-shift', 10) as unknown as Record<string, unknown>;
    event.lifecycleStage = 'PRODUCTION_TRAFIC_SHIFT';

    // Act
    const answering = invoke(event as unknown as HookEvent);

    // Assess
    await expect(answering).rejects.toMatchObject({
      name: 'InvalidEventError',
      problems: [expect.stringContaining('lifecycleStage')],
    });
  });
});
