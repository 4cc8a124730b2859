import { CreateServiceCommand, DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { putGateAlarm } from '#local/canary-world.js';
import { awsErrorResponse } from '#local/moto-proxy-wire.js';
import { observeGateAlarms } from '#shared/canary/gate-alarms.js';
import {
  HookServiceNotFoundError,
  observeRevisionTargetGroup,
  observeRules,
  observeService,
} from '#shared/canary/hook/observe.js';
import {
  addPlainService,
  type BlueGreenWorld,
  provisionBlueGreen,
  serviceRevisionsAsEcs,
} from '#test/support/blue-green-world.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

// What the deployment hook reads of ECS, the listener rules and CloudWatch, read from moto through the proxy, which
// answers what moto lacks (DescribeServiceRevisions) and the errors an account can give.
const proxy = await useMotoProxy();

const green = 'arn:aws:ecs:us-east-1:123456789012:service-revision/shop/web/5127302476113766104';

describe('Function: deployment-hook, what it observes', () => {
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

  describe('the service', () => {
    it('reads its blue/green wiring and the alarms of its deployment configuration', async () => {
      // Prepare
      await world.clients.ecs.send(
        new UpdateServiceCommand({
          cluster: world.clusterName,
          service: 'web',
          deploymentConfiguration: { alarms: { enable: true, rollback: true, alarmNames: ['shop-5xx', 'shop-p99'] } },
        }),
      );

      // Act
      const seen = await observeService(world.clients.ecs, world.serviceArn);

      // Assess
      expect(seen).toEqual({
        wiring: {
          targetGroupArn: world.blueTargetGroupArn,
          alternateTargetGroupArn: world.greenTargetGroupArn,
          productionListenerRule: world.productionRuleArn,
          testListenerRule: world.testRuleArn,
        },
        deploymentAlarms: ['shop-5xx', 'shop-p99'],
      });
    });

    it('takes no deployment alarms when their use is switched off', async () => {
      // Prepare
      await world.clients.ecs.send(
        new UpdateServiceCommand({
          cluster: world.clusterName,
          service: 'web',
          deploymentConfiguration: { alarms: { enable: false, rollback: false, alarmNames: ['shop-5xx'] } },
        }),
      );

      // Act
      const seen = await observeService(world.clients.ecs, world.serviceArn);

      // Assess
      expect(seen.deploymentAlarms).toEqual([]);
      expect(seen.wiring?.targetGroupArn).toBe(world.blueTargetGroupArn);
    });

    it('finds the blue/green entry among its load balancers, and has no wiring without one', async () => {
      // Prepare: a service whose first entry is a plain one, the second the blue/green one; and a plain service.
      const entry = { containerName: 'web', containerPort: 80 };
      const second = await world.clients.ecs.send(
        new CreateServiceCommand({
          cluster: world.clusterName,
          serviceName: 'api',
          taskDefinition: 'shop',
          desiredCount: 0,
          loadBalancers: [
            { ...entry, targetGroupArn: world.greenTargetGroupArn },
            {
              ...entry,
              targetGroupArn: world.blueTargetGroupArn,
              advancedConfiguration: {
                alternateTargetGroupArn: world.greenTargetGroupArn,
                productionListenerRule: world.productionRuleArn,
                roleArn: 'arn:aws:iam::123456789012:role/ecs-blue-green',
              },
            },
          ],
        }),
      );
      const plain = await addPlainService(world, 'plain');

      // Act
      const api = await observeService(world.clients.ecs, second.service?.serviceArn ?? '');
      const none = await observeService(world.clients.ecs, plain);

      // Assess: no test listener rule is named, so none is in the wiring.
      expect(api.wiring).toEqual({
        targetGroupArn: world.blueTargetGroupArn,
        alternateTargetGroupArn: world.greenTargetGroupArn,
        productionListenerRule: world.productionRuleArn,
      });
      expect(none).toEqual({ deploymentAlarms: [] });
    });

    it('says which service it could not find, and where to look', async () => {
      // Prepare
      const missing = world.serviceArn.replace(/\/web$/, '/gone');
      const described = await world.clients.ecs.send(
        new DescribeServicesCommand({ cluster: world.clusterName, services: [missing] }),
      );
      expect(described.services ?? []).toEqual([]);

      // Act
      const read = observeService(world.clients.ecs, missing);

      // Assess
      await expect(read).rejects.toBeInstanceOf(HookServiceNotFoundError);
      await expect(read).rejects.toMatchObject({
        name: 'HookServiceNotFoundError',
        message: `service ${missing} was not found: check the hook's account and region`,
      });
    });
  });

  describe("the target revision's target group", () => {
    const pair = () => [world.blueTargetGroupArn, world.greenTargetGroupArn];

    it('is the one ECS resolved for the revision, when it is one of the pair', async () => {
      // Prepare
      proxy.addRule(serviceRevisionsAsEcs(world, () => green));

      // Act
      const found = await observeRevisionTargetGroup(world.clients.ecs, green, pair());
      const outside = await observeRevisionTargetGroup(world.clients.ecs, green, [world.blueTargetGroupArn]);

      // Assess
      expect(found).toBe(world.greenTargetGroupArn);
      expect(outside).toBeUndefined();
    });

    it('is unknown when the revision has no resolved configuration', async () => {
      // Prepare
      proxy.addRule({
        match: (call) => call.operation === 'DescribeServiceRevisions',
        respond: () => ({
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({ serviceRevisions: [{ serviceRevisionArn: green }], failures: [] }),
        }),
      });

      // Act
      const found = await observeRevisionTargetGroup(world.clients.ecs, green, pair());

      // Assess
      expect(found).toBeUndefined();
    });

    it.each([['UnknownOperationException'], ['AccessDeniedException']])(
      'is unknown when ECS answers %s, and the hook goes on by the weights',
      async (code) => {
        // Prepare
        proxy.addRule({
          match: (call) => call.operation === 'DescribeServiceRevisions',
          respond: (call) => awsErrorResponse(call, { status: 400, code, message: 'not here' }),
        });

        // Act
        const found = await observeRevisionTargetGroup(world.clients.ecs, green, pair());

        // Assess
        expect(found).toBeUndefined();
        expect(callsOf('DescribeServiceRevisions')).toBe(1);
      },
    );

    it('fails on an error that is not about the call being unknown or refused', async () => {
      // Prepare
      proxy.addRule({
        match: (call) => call.operation === 'DescribeServiceRevisions',
        respond: (call) => awsErrorResponse(call, { status: 400, code: 'InvalidParameterException', message: 'bad' }),
      });

      // Act
      const read = observeRevisionTargetGroup(world.clients.ecs, green, pair());

      // Assess
      await expect(read).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });

    it('asks ECS for the target revision itself', async () => {
      // Prepare: ECS names green only for the revision it is asked about.
      const asked: string[] = [];
      proxy.addRule({
        match: (call) => call.operation === 'DescribeServiceRevisions',
        respond: (call) => {
          const arns = (call.params as { serviceRevisionArns?: string[] }).serviceRevisionArns ?? [];
          asked.push(...arns);
          const loadBalancers = arns.includes(green) ? [{ targetGroupArn: world.greenTargetGroupArn }] : [];
          return {
            status: 200,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: JSON.stringify({
              serviceRevisions: [{ serviceRevisionArn: arns[0], resolvedConfiguration: { loadBalancers } }],
              failures: [],
            }),
          };
        },
      });

      // Act
      const found = await observeRevisionTargetGroup(world.clients.ecs, green, pair());

      // Assess
      expect(asked).toEqual([green]);
      expect(found).toBe(world.greenTargetGroupArn);
    });
  });
});
