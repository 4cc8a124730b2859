import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { type AwsCall, serverError, throttlingError } from '#local/moto-proxy.js';
import { timeOutAfterWrite } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { deliverOutbox } from '#local/pipeline.js';
import { provisionWorld, receiveAlerts, targetsOf, type World } from '#local/world.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const CONFIG = `
version: 1
alarms:
  - alarmName: "-unhealthy-hosts$"
    reaction: deregister-unhealthy
    minHealthy: 1
    maxTargetsPerRun: 1
  - alarmName: "-cpu-high$"
    reaction: scale-out
    step: 1
    cooldownSeconds: 0
clusters:
  - name: prod
    services:
      - name: web
        scaling: { minCount: 1, maxCount: 50 }
`;

/** The calls the alarm function makes; the harness's own reads and the notifier are left alone. */
const SERVICES = new Set(['ecs', 'elasticloadbalancing', 'application-autoscaling', 'dynamodb']);
const isFunctionCall = (call: AwsCall) =>
  SERVICES.has(call.service ?? '') || (call.service === 'sqs' && call.operation === 'SendMessage');
const WRITES = new Set(['UpdateService', 'DeregisterTargets', 'StopTask', 'SendMessage', 'UpdateItem', 'TagResource']);

describe('Function: alarm-state-change under faults', () => {
  let world: World;
  let tg: string;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 6 }] });
    tg = world.services.web?.targetGroupArns[0] as string;
  });

  const desiredCount = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0]?.desiredCount;

  it('scales once and deregisters once per episode, and alerts each once, through throttles, 5xx, timeouts and redelivery', async () => {
    // Prepare: 10 % throttles and 10 % 5xx after a write landed on the function's calls, seeded; the first
    // UpdateService and DeregisterTargets land and then time out; the first alert cannot be queued at all; every
    // event is retried by Lambda while it fails and delivered twice.
    const random = (() => {
      const rng = xoroshiro128plus(20261126);
      return () => uniformFloat64(rng);
    })();
    let faulty = false;
    proxy.addRule({
      name: '10 % throttles',
      match: (call) => faulty && isFunctionCall(call) && random() < 0.1,
      respond: throttlingError,
    });
    proxy.addRule({
      name: '10 % 5xx after the write landed',
      match: (call) => faulty && isFunctionCall(call) && WRITES.has(call.operation) && random() < 0.1,
      rewrite: (call) => serverError(call, 500),
    });
    timeOutAfterWrite(proxy, 'ecs:UpdateService', 1, 1_500);
    // The first alert cannot be queued through every SDK attempt: the invocation fails after its change landed.
    proxy.failWith5xx('sqs:SendMessage', 4);
    timeOutAfterWrite(proxy, 'elasticloadbalancing:DeregisterTargets', 1, 1_500);
    const env = { AWS_REQUEST_TIMEOUT_MS: '500' };
    const first = await coldContainer(world, 'alarm-state-change', CONFIG, env);
    const second = await coldContainer(world, 'alarm-state-change', CONFIG, env);
    const containers = [first, second];
    let failures = 0;
    let fewestTargets = Number.POSITIVE_INFINITY;
    /** Lambda's asynchronous invocation: up to three attempts while it throws; EventBridge then delivers it again. */
    const deliver = async (event: unknown) => {
      for (const { react } of containers) {
        for (let attempt = 1; attempt <= 3; attempt++) {
          faulty = true;
          try {
            await react(structuredClone(event));
            break;
          } catch {
            failures++;
          } finally {
            faulty = false;
          }
        }
        fewestTargets = Math.min(fewestTargets, (await targetsOf(world, tg)).length);
      }
    };
    const startedAt = Date.now() - 60_000;
    const at = (i: number) => new Date(startedAt + i * 1_000).toISOString();
    const tasks = world.services.web?.tasks ?? [];

    // Act: four CPU episodes and three unhealthy-target episodes, interleaved
    for (let i = 0; i < 4; i++) {
      await deliver(
        alarmStateChangeEvent(world, { alarmName: 'prod-web-cpu-high', subject: { service: 'web' }, at: at(i * 2) }),
      );
      if (i === 3) break;
      const task = tasks[i] as { ip: string; port: number };
      proxy.setTargetHealth(tg, { id: task.ip, port: task.port }, 'unhealthy');
      await deliver(
        alarmStateChangeEvent(world, {
          alarmName: 'prod-web-unhealthy-hosts',
          subject: { targetGroupArn: tg },
          at: at(i * 2 + 1),
        }),
      );
    }
    await deliverOutbox(world, first.notifier);
    const alerts = (await receiveAlerts(world)).map((a) => ChatbotNotificationSchema.parse(a.message));
    const perIncident = new Map<string, number>();
    for (const alert of alerts) perIncident.set(alert.id ?? '', (perIncident.get(alert.id ?? '') ?? 0) + 1);

    // Assess
    expect(await desiredCount(), 'one step per CPU episode: 0 double scale-outs').toBe(6 + 4);
    expect((await targetsOf(world, tg)).length, 'one target per unhealthy-hosts episode').toBe(6 - 3);
    expect(fewestTargets, '0 target groups emptied').toBeGreaterThan(0);
    expect(perIncident.size, '0 lost alerts: one incident per episode').toBe(7);
    expect([...perIncident.values()], '0 duplicate chat messages').toEqual(Array(7).fill(1));
    expect(failures, 'the faults made invocations fail, so Lambda retries were exercised').toBeGreaterThan(0);
  });
});
