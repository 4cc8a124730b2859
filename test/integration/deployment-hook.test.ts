import { ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { putGateAlarm } from '#local/gate-alarm.js';
import { type BlueGreenWorld, putAlbMinutes } from '#test/support/blue-green-world.js';
import { carriedSince, type HookEvent, hookTestBed } from '#test/support/lifecycle-hook-payloads.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

// ECS's DescribeServiceRevisions is not in moto: the proxy answers it as ECS does, naming green's target group.
const proxy = await useMotoProxy();
const { handler } = await import('#functions/deployment-hook/handler.js');

const healthy = { requests: 100, errors: 1, latencySeconds: 0.1 };
const blueTraffic = { requests: 900, errors: 9, latencySeconds: 0.1 };

describe('Function: deployment-hook', () => {
  const bed = hookTestBed(proxy, handler);
  const { payload, invoke } = bed;
  let world: BlueGreenWorld;
  beforeEach(() => {
    world = bed.world();
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
