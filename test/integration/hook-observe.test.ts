import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { putGateAlarm } from '#local/gate-alarm.js';
import { awsErrorResponse } from '#local/moto-proxy-wire.js';
import { observeGateAlarms } from '#shared/canary/gate-alarms.js';
import { observeRules } from '#shared/canary/hook/observe.js';
import { type BlueGreenWorld, provisionBlueGreen } from '#test/support/blue-green-world.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

// What the deployment hook reads of CloudWatch and the listener rules, from moto through the proxy, which adds what
// moto lacks (composite alarms) and the errors an account can give; what it reads of ECS is in hook-observe-service.
const proxy = await useMotoProxy();

describe('Function: deployment-hook, what it observes of alarms and rules', () => {
  let world: BlueGreenWorld;
  const callsOf = (operation: string) => proxy.calls().filter((call) => call.operation === operation).length;

  beforeEach(async () => {
    world = await provisionBlueGreen(proxy.endpoint);
  });

  const putAlarm = (name: string, state?: 'ALARM' | 'OK', reason?: string) =>
    putGateAlarm(world.clients.cloudwatch, name, state, reason);

  describe('gate alarms', () => {
    it('reads nothing when the stage names no alarm', async () => {
      // Act
      const gates = await observeGateAlarms(world.clients.cloudwatch, []);

      // Assess
      expect(gates).toEqual({ alarms: [], missing: [] });
      expect(callsOf('DescribeAlarms')).toBe(0);
    });

    it('reads 200 names in two calls of 100, each alarm once, and names those CloudWatch does not know', async () => {
      // Prepare: 190 alarms exist, 10 of the names do not; every name given twice.
      const names = Array.from({ length: 200 }, (_, i) => `shop-gate-${String(i).padStart(3, '0')}`);
      const existing = names.slice(0, 190);
      for (const name of existing) await putAlarm(name);
      // An alarm that is not named: a read without names would return it.
      await putAlarm('someone-elses-alarm');

      // Act
      const gates = await observeGateAlarms(world.clients.cloudwatch, [...names, ...names.toReversed()]);

      // Assess
      expect(callsOf('DescribeAlarms')).toBe(2);
      expect(gates.alarms.map((alarm) => alarm.name).toSorted()).toEqual(existing);
      expect(gates.missing).toEqual(names.slice(190));
    });

    it('reads composite alarms beside metric alarms, each with its state and reason', async () => {
      // Prepare
      await putAlarm('shop-5xx', 'ALARM', 'Threshold Crossed: 1 datapoint [9.0] was greater than 5.0');
      await putAlarm('shop-latency', 'OK');
      // moto has no composite alarms: the proxy adds one to DescribeAlarms' answer as CloudWatch does, only when
      // it is named and composite alarms are asked for (CloudWatch returns metric alarms alone by default).
      proxy.addRule({
        match: (call) => call.operation === 'DescribeAlarms',
        rewrite: (call, answer) => {
          const asked = call.params as { AlarmNames?: string[]; AlarmTypes?: string[] };
          if (!asked.AlarmNames?.includes('shop-health') || !asked.AlarmTypes?.includes('CompositeAlarm'))
            return answer;
          const body = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
          const composite = { AlarmName: 'shop-health', StateValue: 'ALARM', StateReason: 'shop-5xx is in ALARM' };
          return { ...answer, body: JSON.stringify({ ...body, CompositeAlarms: [composite] }) };
        },
      });

      // Act
      const gates = await observeGateAlarms(world.clients.cloudwatch, ['shop-health', 'shop-5xx', 'shop-latency']);

      // Assess
      expect(gates.missing).toEqual([]);
      const byName = new Map(gates.alarms.map((alarm) => [alarm.name, alarm]));
      expect([...byName.keys()].toSorted()).toEqual(['shop-5xx', 'shop-health', 'shop-latency']);
      expect(byName.get('shop-5xx')).toEqual({
        name: 'shop-5xx',
        state: 'ALARM',
        reason: 'Threshold Crossed: 1 datapoint [9.0] was greater than 5.0',
      });
      expect(byName.get('shop-latency')?.state).toBe('OK');
      expect(byName.get('shop-health')).toEqual({
        name: 'shop-health',
        state: 'ALARM',
        reason: 'shop-5xx is in ALARM',
      });
    });
  });

  describe('listener rules', () => {
    it('reads nothing when there is no rule to read', async () => {
      // Act
      const rules = await observeRules(world.clients.elb, []);

      // Assess
      expect(rules).toEqual([]);
      expect(callsOf('DescribeRules')).toBe(0);
    });

    it('reads the weighted forward of a rule, and a plain forward as weight 1', async () => {
      // Prepare: a rule forwarding to blue alone, without weights.
      const { Listeners } = await world.clients.elb.send(
        new DescribeListenersCommand({ LoadBalancerArn: world.loadBalancerArn }),
      );
      const plain = await world.clients.elb.send(
        new CreateRuleCommand({
          ListenerArn: Listeners?.[0]?.ListenerArn,
          Priority: 7,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/plain/*'] } }],
          Actions: [{ Type: 'forward', TargetGroupArn: world.blueTargetGroupArn }],
        }),
      );
      const plainArn = plain.Rules?.[0]?.RuleArn ?? '';

      // Act
      const rules = await observeRules(world.clients.elb, [world.productionRuleArn, plainArn]);

      // Assess
      const byArn = new Map(rules.map((rule) => [rule.ruleArn, rule]));
      expect(byArn.get(world.productionRuleArn)).toEqual({
        ruleArn: world.productionRuleArn,
        actionTypes: ['forward'],
        targetGroups: [
          { arn: world.blueTargetGroupArn, weight: 90 },
          { arn: world.greenTargetGroupArn, weight: 10 },
        ],
      });
      expect(byArn.get(plainArn)?.targetGroups).toEqual([{ arn: world.blueTargetGroupArn, weight: 1 }]);
      expect(callsOf('DescribeRules')).toBe(1);
    });

    it('leaves out a rule that was deleted and still reads the others, one by one', async () => {
      // Prepare
      await world.clients.elb.send(new DeleteRuleCommand({ RuleArn: world.testRuleArn }));

      // Act
      const both = await observeRules(world.clients.elb, [world.productionRuleArn, world.testRuleArn]);
      const gone = await observeRules(world.clients.elb, [world.testRuleArn]);

      // Assess
      expect(both.map((rule) => rule.ruleArn)).toEqual([world.productionRuleArn]);
      expect(both[0]?.targetGroups.map((group) => group.weight)).toEqual([90, 10]);
      expect(gone).toEqual([]);
      // The pair (refused), then each rule alone; then the lone deleted rule once.
      expect(callsOf('DescribeRules')).toBe(4);
    });

    it('fails on any other error rather than reading the rule as absent', async () => {
      // Prepare
      proxy.addRule({
        match: (call) => call.operation === 'DescribeRules',
        respond: (call) => awsErrorResponse(call, { status: 400, code: 'AccessDenied', message: 'not allowed' }),
      });

      // Act
      const read = observeRules(world.clients.elb, [world.productionRuleArn]);

      // Assess
      await expect(read).rejects.toMatchObject({ name: 'AccessDenied' });
    });
  });
});
