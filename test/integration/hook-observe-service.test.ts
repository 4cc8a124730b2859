import { CreateServiceCommand, DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsErrorResponse } from '#local/moto-proxy-wire.js';
import { HookServiceNotFoundError, observeRevisionTargetGroup, observeService } from '#shared/canary/hook/observe.js';
import {
  addPlainService,
  type BlueGreenWorld,
  provisionBlueGreen,
  serviceRevisionsAsEcs,
} from '#test/support/blue-green-world.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

// What the deployment hook reads of ECS: the service's blue/green wiring and deployment alarms, and the target
// group ECS resolved for the revision, through the proxy, which answers what moto lacks (DescribeServiceRevisions)
// and the errors an account can give.
const proxy = await useMotoProxy();

const green = 'arn:aws:ecs:us-east-1:123456789012:service-revision/shop/web/5127302476113766104';

describe('Function: deployment-hook, what it observes of ECS', () => {
  let world: BlueGreenWorld;
  const callsOf = (operation: string) => proxy.calls().filter((call) => call.operation === operation).length;

  beforeEach(async () => {
    world = await provisionBlueGreen(proxy.endpoint);
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
