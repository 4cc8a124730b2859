import { ModifyTargetGroupAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CanaryWorld, canaryClients, provisionCanaryWorld } from '#local/canary-world.js';
import { putGateAlarm } from '#local/gate-alarm.js';
import type { AwsCall, UpstreamResponse } from '#local/moto-proxy-types.js';
import { observeAlarms, observeSides } from '#shared/canary/observe.js';
import { canaryConfig } from '#test/support/canary-builders.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

// What the canary's tick reads of its two sides and its gate alarms, from moto through the proxy, which adds what
// moto does not model: target health, deployments under way, ECS's own deployment strategies, answers in pages.
const proxy = await useMotoProxy();

const json = (answer: UpstreamResponse) => JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;

describe('Function: canary-promoter, what a tick observes', () => {
  let world: CanaryWorld;
  let clients: ReturnType<typeof canaryClients>;
  const callsOf = (operation: string) => proxy.calls().filter((call) => call.operation === operation).length;
  const configOf = (w: CanaryWorld, gateAlarms: string[] = []) =>
    canaryConfig({
      cluster: w.clusterName,
      ruleArn: w.ruleArn,
      sides: [
        { service: 'web-blue', targetGroupArn: w.blueTargetGroupArn },
        { service: 'web-green', targetGroupArn: w.greenTargetGroupArn },
      ],
      gateAlarms,
    });

  beforeEach(async () => {
    world = await provisionCanaryWorld(proxy.endpoint, { blueTasks: 4 });
    clients = canaryClients(proxy.endpoint);
  });

  it('counts healthy and registered targets, reads the drain time, sees a deployment or an ECS strategy under way (not a finished one), and never a deleted service', async () => {
    // Prepare: blue drains in 30 s, one target draining and one unhealthy; green is mid-deployment under ECS's own
    // blue/green strategy, which moto does not model.
    await clients.elbv2.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: world.blueTargetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
      }),
    );
    const blue = world.services['web-blue']?.tasks ?? [];
    proxy.setTargetHealth(world.blueTargetGroupArn, { id: blue[0]?.ip ?? '', port: blue[0]?.port ?? 0 }, 'draining');
    proxy.setTargetHealth(world.blueTargetGroupArn, { id: blue[1]?.ip ?? '', port: blue[1]?.port ?? 0 }, 'unhealthy');
    // web-blue's deployments are over (ECS keeps the finished ones, INACTIVE), under the rolling strategy; an earlier
    // web-green, deleted, is still answered (INACTIVE) before the live one.
    proxy.addRule({
      name: 'web-green under a deployment of its own, with ECS blue/green',
      match: (call) => call.operation === 'DescribeServices',
      rewrite: (_call, answer) => {
        const body = json(answer) as { services?: Array<Record<string, unknown>> };
        for (const service of body.services ?? []) {
          const config = service.deploymentConfiguration as object;
          if (service.serviceName === 'web-blue') {
            service.deployments = [
              { id: 'ecs-svc/5', status: 'PRIMARY' },
              { id: 'ecs-svc/4', status: 'INACTIVE' },
              { id: 'ecs-svc/3', status: 'INACTIVE' },
            ];
            service.deploymentConfiguration = { ...config, strategy: 'ROLLING' };
            continue;
          }
          service.deployments = [
            { id: 'ecs-svc/2', status: 'PRIMARY' },
            { id: 'ecs-svc/1', status: 'ACTIVE' },
            { id: 'ecs-svc/0', status: 'INACTIVE' },
          ];
          service.deploymentConfiguration = { ...config, strategy: 'BLUE_GREEN' };
        }
        const live = body.services ?? [];
        const deleted = { ...live.find((s) => s.serviceName === 'web-green'), status: 'INACTIVE', desiredCount: 9 };
        body.services = [deleted, ...live];
        return { ...answer, body: JSON.stringify(body) };
      },
    });

    // Act
    const [stable, canary] = await observeSides(clients, configOf(world));

    // Assess
    expect(stable).toMatchObject({
      service: 'web-blue',
      desiredCount: 4,
      targetGroupArn: world.blueTargetGroupArn,
      healthyTargets: 2,
      registeredTargets: 3,
      deregistrationDelaySeconds: 30,
      deploying: false,
      disabledByTag: false,
    });
    expect(stable).not.toHaveProperty('ecsStrategy');
    expect(canary).toMatchObject({
      service: 'web-green',
      desiredCount: 0,
      healthyTargets: 0,
      registeredTargets: 0,
      deregistrationDelaySeconds: 300,
      deploying: true,
      ecsStrategy: 'BLUE_GREEN',
    });
  });

  it('says which side’s service the cluster does not have', async () => {
    // Prepare
    const config = configOf(world);
    config.sides[1] = { ...config.sides[1], service: 'web-gone' } as (typeof config.sides)[1];

    // Act
    const read = observeSides(clients, config);

    // Assess
    await expect(read).rejects.toThrow(`service web-gone not found in cluster ${world.clusterName}`);
  });

  describe('gate alarms', () => {
    it('reads nothing for a canary without gate alarms', async () => {
      // Act
      const alarms = await observeAlarms(clients.cloudwatch, []);

      // Assess
      expect(alarms).toEqual([]);
      expect(callsOf('DescribeAlarms')).toBe(0);
    });

    it('reads every page CloudWatch answers in, so that an alarm on a later page still gates', async () => {
      // Prepare: 60 gate alarms, the last one in ALARM; CloudWatch answers at most 50 alarms a page.
      const names = Array.from({ length: 60 }, (_, i) => `web-gate-${String(i).padStart(2, '0')}`);
      for (const name of names) await putGateAlarm(clients.cloudwatch, name, name.endsWith('59') ? 'ALARM' : 'OK');
      proxy.addRule({
        name: 'DescribeAlarms in pages of 50',
        match: (call) => call.operation === 'DescribeAlarms',
        rewrite: (call: AwsCall, answer) => {
          const body = json(answer) as { MetricAlarms?: unknown[] };
          const all = body.MetricAlarms ?? [];
          const second = (call.params as { NextToken?: string }).NextToken === 'page-2';
          const page = second
            ? { MetricAlarms: all.slice(50) }
            : { MetricAlarms: all.slice(0, 50), NextToken: 'page-2' };
          return { ...answer, body: JSON.stringify({ ...body, ...page }) };
        },
      });

      // Act
      const alarms = await observeAlarms(clients.cloudwatch, [...names, 'web-gate-gone']);

      // Assess
      expect(alarms).toHaveLength(61);
      expect(alarms.find((a) => a.name === 'web-gate-59')).toEqual({ name: 'web-gate-59', state: 'ALARM' });
      expect(alarms.find((a) => a.name === 'web-gate-00')).toEqual({ name: 'web-gate-00', state: 'OK' });
      expect(alarms.at(-1)).toEqual({ name: 'web-gate-gone', state: 'MISSING' });
      expect(callsOf('DescribeAlarms')).toBe(2);
    });
  });
});
