import { vi } from 'vitest';
import { useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import type { World } from '#local/world.js';
import { deliveredAs, lambdaContext, queuedBatch, type ReplayFunction, replayFunctions } from '../../cli/replay.js';

type Handler<F extends ReplayFunction> = Awaited<ReturnType<(typeof replayFunctions)[F]>>['handler'];
type Result<F extends ReplayFunction> = Awaited<ReturnType<Handler<F>>>;

/**
 * A fresh Lambda container of a function for a test world: modules are loaded anew, so caches, version memory and
 * the call meter start empty, and the function reads this config and environment at its cold start.
 */
export async function coldContainer<F extends ReplayFunction>(
  world: World,
  fn: F,
  configYaml: string,
  env: Record<string, string> = {},
) {
  vi.resetModules();
  useWorldEnvironment(world, writeConfig(configYaml), env);
  const { handler } = await replayFunctions[fn]();
  const { handler: notifier } = await import('#functions/notifier/handler.js');
  const { awsCalls } = await import('#shared/aws/call-meter.js');
  const context = lambdaContext(fn, { account: world.account, region: world.region });
  const invoke = handler as unknown as (event: never, context: ReturnType<typeof lambdaContext>) => Promise<Result<F>>;
  return {
    /** One event, delivered as the function receives it (the task reaction: a batch of one from its queue). */
    react: (event: unknown) => invoke(deliveredAs(fn, event) as never, context),
    /** Several events in one batch of the task-events queue. */
    reactBatch: (events: readonly unknown[]) =>
      invoke(queuedBatch(events, world.region, world.account) as never, context),
    notifier,
    awsCalls,
  };
}
