import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, inject, it } from 'vitest';
import { registerScalableTarget, settleAutoScaling } from '#local/canary-autoscaling.js';
import { canaryDriver, healthy, type SideTraffic } from '#local/canary-driver.js';
import { type SideCounts, watchCanaryTraffic } from '#local/canary-traffic-watch.js';
import {
  type CanaryWorld,
  canaryClients,
  canaryConfigYaml,
  gateAlarm,
  provisionCanaryWorld,
  putMinute,
  settleServices,
} from '#local/canary-world.js';
import { faultSeeds, injectFaults } from '#local/fault-injection.js';
import { asyncInvocations } from '#local/lambda-delivery.js';
import type { AwsCall, MotoProxy } from '#local/moto-proxy.js';
import { loseAnswersAfterWrite, refuseInvalidWeights, timeOutAfterWrite } from '#local/moto-proxy-rules.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { receiveOutboxAlerts } from '#local/world.js';
import { readCanary } from '#shared/canary/store.js';
import type { Alert } from '#shared/notify/alert.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();
// A Thursday, 06:00 UTC.
const START = Date.parse('2026-11-26T06:00:00.000Z');
const STEPS = '    steps: [10, 50, 100]\n';

/** The promoter's calls: the harness's own reads and ECS's emulated work are left alone. */
const SERVICES = new Set(['ecs', 'elasticloadbalancing', 'application-autoscaling', 'dynamodb', 'monitoring']);
const isPromoterCall = (call: AwsCall) =>
  SERVICES.has(call.service ?? '') || (call.service === 'sqs' && call.operation === 'SendMessage');

/** The healthy targets of each side now, as the ALB (through the proxy's health model) reports them. */
async function healthyTargets(world: CanaryWorld): Promise<SideCounts> {
  const { elbv2 } = canaryClients(world.endpoint);
  const count = async (TargetGroupArn: string) =>
    ((await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn }))).TargetHealthDescriptions ?? []).filter(
      (d) => d.TargetHealth?.State === 'healthy',
    ).length;
  return { blue: await count(world.blueTargetGroupArn), green: await count(world.greenTargetGroupArn) };
}

/** ECS's and Application Auto Scaling's own work after a tick; a new target is `initial` until the next one. */
function ecsAndAlb(world: CanaryWorld, moto: MotoProxy) {
  let warming: Array<{ tg: string; id: string; port: number }> = [];
  const registered = async () => {
    const { elbv2 } = canaryClients(world.endpoint);
    const all: Array<{ tg: string; id: string; port: number }> = [];
    for (const tg of [world.blueTargetGroupArn, world.greenTargetGroupArn]) {
      const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
      for (const d of out.TargetHealthDescriptions ?? [])
        all.push({ tg, id: d.Target?.Id as string, port: d.Target?.Port as number });
    }
    return all;
  };
  return async () => {
    for (const t of warming) moto.setTargetHealth(t.tg, t, 'healthy');
    const before = new Set((await registered()).map((t) => `${t.tg} ${t.id}`));
    await settleAutoScaling(world);
    await settleServices(world);
    warming = (await registered()).filter((t) => !before.has(`${t.tg} ${t.id}`));
    for (const t of warming) moto.setTargetHealth(t.tg, t, 'initial');
  };
}

async function desiredCounts(world: CanaryWorld): Promise<SideCounts> {
  const out = await new ECSClient({ endpoint, region: world.region }).send(
    new DescribeServicesCommand({ cluster: world.clusterName, services: ['web-blue', 'web-green'] }),
  );
  const of = (name: string) => out.services?.find((s) => s.serviceName === name)?.desiredCount ?? -1;
  return { blue: of('web-blue'), green: of('web-green') };
}

/**
 * A release driven by the scheduled promoter under 10 % faults on every one of its calls, per operation, with the
 * first weight write timing out after it landed, a DynamoDB write's answer lost after it landed and the first alert
 * failing through every SDK attempt; each tick delivered twice and retried by Lambda while it throws.
 */
async function releaseUnderFaults(options: {
  seed: number;
  forwardOn: 'rule' | 'listener';
  canary: (share: number, minute: number) => SideTraffic;
  /** Runs before each tick, with the canary's share: what else happens to the world in that minute. */
  during?: (world: CanaryWorld, share: number, minute: number) => void;
  minutes: number;
}) {
  refuseInvalidWeights(proxy);
  const world = await provisionCanaryWorld(proxy.endpoint, { forwardOn: options.forwardOn });
  await registerScalableTarget(world, 'web-blue', { min: 2, max: 8 });
  await registerScalableTarget(world, 'web-green', { min: 0, max: 8 });
  await gateAlarm(world, 'web-5xx', 'OK');
  for (const TargetGroupArn of [world.blueTargetGroupArn, world.greenTargetGroupArn]) {
    await canaryClients(world.endpoint).elbv2.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }],
      }),
    );
  }
  const driver = canaryDriver(world, {
    endpoint: proxy.endpoint,
    start: new Date(START).toISOString(),
    extraYaml: STEPS,
  });
  await driver.start();
  const watch = watchCanaryTraffic(proxy, world, { full: 4 });
  const faults = injectFaults(proxy, { seed: options.seed, appliesTo: isPromoterCall });
  watch.judgeUnder(faults);
  const weightWrite = options.forwardOn === 'rule' ? 'ModifyRule' : 'ModifyListener';
  timeOutAfterWrite(proxy, `elasticloadbalancing:${weightWrite}`, 1, 1_500);
  let updates = 0;
  loseAnswersAfterWrite(proxy, (c) => c.service === 'dynamodb' && c.operation === 'UpdateItem' && ++updates === 2, 1);
  proxy.failWith5xx('sqs:SendMessage', 4);
  const env = {
    AWS_REQUEST_TIMEOUT_MS: '500',
    STATE_TABLE_NAME: world.stateTableName,
  };
  const config = canaryConfigYaml(world, STEPS);
  const containers = [
    await coldContainer(world, 'canary-promoter', config, env),
    await coldContainer(world, 'canary-promoter', config, env),
  ];
  const lambda = asyncInvocations({ containers, faults });
  const settle = ecsAndAlb(world, proxy);

  for (let minute = 0; minute < options.minutes; minute += 1) {
    const at = START + minute * 60_000;
    const share = ((await driver.weights())['web-green-tg1'] ?? 0) / 100;
    const lastMinute = new Date(at - 60_000).toISOString();
    await putMinute(world, world.greenTargetGroupArn, lastMinute, options.canary(share, minute));
    await putMinute(world, world.blueTargetGroupArn, lastMinute, healthy(1 - share));
    options.during?.(world, share, minute);
    watch.setHealthy(await healthyTargets(world));
    await lambda.deliver(scheduledEvent(world, new Date(at)));
    await settle();
    const record = (await readCanary(driver.store, 'web'))?.data;
    if (record?.idleScaledDown || record?.phase === 'paused') break;
  }
  const alerts = await receiveOutboxAlerts(world);
  return {
    world,
    watch,
    faults,
    lambda,
    alerts,
    record: (await readCanary(driver.store, 'web'))?.data,
    weights: await driver.weights(),
    desired: await desiredCounts(world),
  };
}

/** How often each alert (by what it says happened) was queued. */
const alertCounts = (alerts: readonly Alert[]) => {
  const counts: Record<string, number> = {};
  for (const alert of alerts) counts[alert.title] = (counts[alert.title] ?? 0) + 1;
  return counts;
};

/** The alerts that report a step, a completion, a rollback or a scale-in (not a failed action held over). */
const transitionAlerts = (alerts: readonly Alert[]) =>
  alerts.filter((a) => !a.kind.endsWith('/hold')).map((a) => a.title);
/** The alerts of a tick that only held because an action failed; each says which. */
const troubleAlerts = (alerts: readonly Alert[]) =>
  alerts
    .filter((a) => a.kind.endsWith('/hold'))
    .map((a) => /FAILED to .*/.exec(a.description)?.[0] ?? `no failed action in: ${a.title}`);

/** Each transition of the history made once: no entry repeats the one before it. */
const repeatedTransitions = (
  history: NonNullable<Awaited<ReturnType<typeof releaseUnderFaults>>['record']>['history'],
) => history.filter((h, i) => i > 0 && h.to === history[i - 1]?.to && h.step === history[i - 1]?.step);

describe('Function: canary-promoter under faults', () => {
  it.each(faultSeeds(7_0))(
    'promotes step by step, each weight on healthy capacity and read back, each step and alert once, through throttles, 5xx, timeouts and redelivery (seed %i)',
    async (seed) => {
      // Act: a healthy canary on a listener rule, both sides under Application Auto Scaling
      const run = await releaseUnderFaults({ seed, forwardOn: 'rule', canary: healthy, minutes: 30 });

      // Assess
      expect(run.watch.violations(), 'traffic never on a side short of healthy targets').toEqual([]);
      expect(run.watch.repeatedWrites(), '0 weight writes that changed nothing').toBe(0);
      expect(run.watch.canaryPercents(), 'each step written once, none skipped').toEqual([10, 50, 100]);
      expect(run.faults.landedCounts()['elasticloadbalancing:ModifyRule'], 'one landed ModifyRule per step').toBe(3);
      expect(run.watch.lastChangeReadBack(), 'the last weights read back').toBe(true);
      expect(run.record).toMatchObject({ phase: 'done', idleScaledDown: true });
      expect(run.record?.history.map((h) => [h.to, h.step])).toEqual([
        ['pending', -1],
        ['ramping', 0],
        ['ramping', 1],
        ['ramping', 2],
        ['done', 2],
      ]);
      expect(run.weights).toMatchObject({ 'web-blue-tg1': 0, 'web-green-tg1': 100 });
      expect(run.desired).toEqual({ blue: 0, green: 4 });
      expect(
        transitionAlerts(run.alerts),
        'every step alerted once, the last in the same alert as completion: 0 lost, 0 duplicate',
      ).toEqual([
        'canary web: start at 10 % (weights 10/90)',
        'canary web: promote to 50 % (weights 50/50)',
        'canary web: the canary takes 100 % (weights 100/0 read back)',
        'canary web: web-blue has had weight 0 for 60 s: scale it in to 0 tasks',
      ]);
      expect(troubleAlerts(run.alerts), 'any other alert names the action that failed').not.toContainEqual(
        expect.stringMatching(/^no failed action/),
      );
      expect(run.lambda.stats.failures, 'Lambda retries were exercised').toBeGreaterThan(0);
      // A tick's event may end in the DLQ when every attempt of both its deliveries fails (seed 1502): what it did is
      // applied once and alerted once all the same, by a later tick, as the assertions above say.
      expect(run.faults.totalInjected()).toBeGreaterThan(0);
    },
  );

  it.each(faultSeeds(7_100))(
    'rolls back only as far as the stable side carries, then scales the canary in, each step and alert once, through throttles, 5xx, timeouts and redelivery (seed %i)',
    async (seed) => {
      // Prepare: the canary fails at 50 %, when one of the stable side's four targets turns unhealthy for 3 minutes
      let sickSince: number | undefined;
      const during = (world: CanaryWorld, share: number, minute: number) => {
        const task = world.services['web-blue']?.tasks[0] as { ip: string; port: number };
        const target = { id: task.ip, port: task.port };
        if (share === 0.5 && sickSince === undefined) {
          sickSince = minute;
          proxy.setTargetHealth(world.blueTargetGroupArn, target, 'unhealthy');
        }
        if (sickSince !== undefined && minute === sickSince + 3) {
          proxy.setTargetHealth(world.blueTargetGroupArn, target, 'healthy');
        }
      };
      const failing = (share: number) => ({ ...healthy(share), errors: share >= 0.5 ? Math.round(600 * share) : 0 });

      // Act: on a listener's default action
      const run = await releaseUnderFaults({ seed, forwardOn: 'listener', canary: failing, during, minutes: 30 });

      // Assess
      const percents = run.watch.canaryPercents();
      const back = percents.slice(2);
      expect(run.watch.violations(), 'traffic never on a side short of healthy targets').toEqual([]);
      expect(run.watch.repeatedWrites(), '0 weight writes that changed nothing').toBe(0);
      expect(percents.slice(0, 2), 'up one step at a time').toEqual([10, 50]);
      expect(back.at(-1), 'back to 0 %').toBe(0);
      expect(back.length, 'in part first: 3 healthy stable targets carry 75 %').toBeGreaterThan(1);
      expect(back, 'never back up while rolling back').toEqual([...back].sort((a, b) => b - a));
      expect(run.faults.landedCounts()['elasticloadbalancing:ModifyListener'], 'one landed write per change').toBe(
        percents.length,
      );
      expect(run.watch.lastChangeReadBack(), 'the last weights read back').toBe(true);
      expect(run.record).toMatchObject({ phase: 'rolled-back', idleScaledDown: true });
      const history = run.record?.history ?? [];
      expect(repeatedTransitions(history), 'each transition once').toEqual([]);
      expect(history.map((h) => h.to).slice(0, 4)).toEqual(['pending', 'ramping', 'ramping', 'rolling-back']);
      expect(history.at(-1)?.to).toBe('rolled-back');
      expect(run.weights).toMatchObject({ 'web-blue-tg1': 100, 'web-green-tg1': 0 });
      expect(run.desired).toEqual({ blue: 4, green: 0 });
      const counts = alertCounts(run.alerts);
      expect(
        Object.values(counts).filter((n) => n > 1),
        '0 duplicate alerts',
      ).toEqual([]);
      const transitions = transitionAlerts(run.alerts);
      expect(transitions.slice(0, 2)).toEqual([
        'canary web: start at 10 % (weights 10/90)',
        'canary web: promote to 50 % (weights 50/50)',
      ]);
      expect(transitions[2], 'the rollback alerted when it began').toMatch(/roll back to \d+ %/);
      expect(troubleAlerts(run.alerts), 'any other alert names the action that failed').not.toContainEqual(
        expect.stringMatching(/^no failed action/),
      );
      // A tick's event may end in the DLQ (see above): its steps are still alerted once, as asserted above.
      expect(run.faults.totalInjected()).toBeGreaterThan(0);
    },
  );
});
