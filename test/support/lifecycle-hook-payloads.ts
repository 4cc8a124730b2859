import { beforeEach } from 'vitest';
import type { MotoProxy } from '#local/moto-proxy.js';
import type { LifecycleHookAnswer } from '#shared/events/lifecycle-hook.js';
import { lambdaContext } from '../../cli/replay.js';
import { type BlueGreenWorld, provisionBlueGreen, serviceRevisionsAsEcs } from './blue-green-world.js';
import { loadEvent } from './fixtures.js';

/** A lifecycle hook payload as ECS sends it (the fields the tests move). */
export type HookEvent = {
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

/**
 * One of the guide's payloads (`events/ecs-lifecycle-hook/<sample>`), moved to the world's service, with production
 * weights green/blue if given; with the green (target) and blue revisions it names.
 */
export function hookPayload(
  world: BlueGreenWorld,
  sample: string,
  greenPercent?: number,
  hookDetails?: Record<string, unknown>,
): { event: HookEvent; green: string; blue: string } {
  const event = loadEvent(`ecs-lifecycle-hook/${sample}`) as HookEvent;
  const details = event.executionDetails;
  const moved = (arn: string) =>
    arn.replace(
      /^arn:aws:ecs:us-west-2:123456789012:service-revision\/my-cluster\/my-service/,
      `arn:aws:ecs:us-east-1:123456789012:service-revision/${world.clusterName}/web`,
    );
  const green = moved(details.targetServiceRevisionArn);
  const blue = moved('arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/1920498462936580504');
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
  return { event, green, blue };
}

/** hookDetails as an earlier call of this execution returned them, begun `minutesAgo` minutes ago. */
export const carriedSince = (event: HookEvent, minutesAgo: number, more: Record<string, unknown> = {}) => ({
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

/** The hook's handler as ECS calls it. */
export const hookInvoker =
  (handler: unknown, context: unknown) =>
  (event: HookEvent): Promise<LifecycleHookAnswer> =>
    (handler as (e: unknown, c: unknown) => Promise<LifecycleHookAnswer>)(event, context);

/**
 * A blue/green world for each test, with ECS's DescribeServiceRevisions (which moto lacks) answered by the proxy for
 * the green revision of the last payload made; the payload maker and the handler's invoker. Call it in a describe.
 */
export function hookTestBed(proxy: MotoProxy, handler: unknown) {
  const bed = { world: undefined as unknown as BlueGreenWorld, green: '' };
  beforeEach(async () => {
    bed.world = await provisionBlueGreen(proxy.endpoint);
    proxy.addRule(serviceRevisionsAsEcs(bed.world, () => bed.green));
  });
  return {
    /** The world of the running test. */
    world: () => bed.world,
    /** One of the guide's payloads, moved to the world's service (see {@link hookPayload}). */
    payload(sample: string, greenPercent?: number, hookDetails?: Record<string, unknown>): HookEvent {
      const moved = hookPayload(bed.world, sample, greenPercent, hookDetails);
      bed.green = moved.green;
      return moved.event;
    },
    invoke: hookInvoker(handler, lambdaContext('deployment-hook')),
  };
}
