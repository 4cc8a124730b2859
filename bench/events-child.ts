/**
 * One Lambda container of a function for `bench/events.ts`: a fresh process imports the handler (cold), then handles
 * the events it is given one by one, and prints per event its time and its AWS calls (the product's call meter).
 */
import { readFileSync } from 'node:fs';
import { useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import type { World } from '#local/world.js';
import { deliveredAs, lambdaContext, type ReplayFunction, replayFunctions } from '../cli/replay.js';

export interface EventRunSpec {
  fn: ReplayFunction;
  world: World;
  configYaml: string;
  events: unknown[];
}

/** What one event cost: its time and its AWS calls by operation. */
export interface EventCost {
  ms: number;
  calls: Record<string, number>;
}

const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as EventRunSpec;
useWorldEnvironment(spec.world, writeConfig(spec.configYaml));
const { handler } = (await replayFunctions[spec.fn]()) as unknown as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const { awsCalls } = await import('#shared/aws/call-meter.js');
const context = lambdaContext(spec.fn, { account: spec.world.account, region: spec.world.region });
const costs: EventCost[] = [];
for (const event of spec.events) {
  awsCalls.reset();
  const started = performance.now();
  await handler(deliveredAs(spec.fn, event), { ...context, awsRequestId: crypto.randomUUID() });
  costs.push({ ms: performance.now() - started, calls: awsCalls.snapshot() });
}
process.stdout.write(`${JSON.stringify(costs)}\n`);
