import { vi } from 'vitest';
import { useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import type { World } from '#local/world.js';
import { lambdaContext, type ReplayFunction, replayFunctions } from '../../cli/replay.js';

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
  return { react: (event: unknown) => invoke(event as never, context), notifier, awsCalls };
}
