import { ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { addPlainService, type BlueGreenWorld } from '#test/support/blue-green-world.js';
import { carriedSince, type HookEvent, hookTestBed } from '#test/support/lifecycle-hook-payloads.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

// Stage by stage: what the hook reads before it answers, and what it answers without blue/green wiring. ECS's
// DescribeServiceRevisions is not in moto: the proxy answers it as ECS does, naming green's target group.
const proxy = await useMotoProxy();
const { handler } = await import('#functions/deployment-hook/handler.js');

describe('Function: deployment-hook, stage by stage', () => {
  const bed = hookTestBed(proxy, handler);
  const { payload, invoke } = bed;
  let world: BlueGreenWorld;
  beforeEach(() => {
    world = bed.world();
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
});
