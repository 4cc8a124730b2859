import type { Pluggable } from '@smithy/types';

/** Counts AWS API calls by `Service.Operation`, so handlers can log their cost and tests can bound it. */
export class CallMeter {
  readonly #counts = new Map<string, number>();

  record(operation: string): void {
    this.#counts.set(operation, (this.#counts.get(operation) ?? 0) + 1);
  }

  /** Calls since the last reset, by operation. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  total(): number {
    let sum = 0;
    for (const n of this.#counts.values()) sum += n;
    return sum;
  }

  reset(): void {
    this.#counts.clear();
  }
}

/** The meter shared by every client the product creates. */
export const awsCalls = new CallMeter();

/** A middleware plugin that records each operation once per logical call (retries are not counted twice). */
// biome-ignore lint/suspicious/noExplicitAny: every SDK client has its own input/output unions
export function meterPlugin(meter: CallMeter, service: string): Pluggable<any, any> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          meter.record(`${service}.${String(context.commandName ?? 'Unknown').replace(/Command$/, '')}`);
          return next(args);
        },
        { step: 'initialize', name: 'ecsAutopilotCallMeter', override: true },
      );
    },
  };
}

/** Adds the shared meter to a client; returns the client for chaining at module scope. */
// biome-ignore lint/suspicious/noExplicitAny: see meterPlugin
export function metered<C extends { middlewareStack: { use(plugin: Pluggable<any, any>): void } }>(
  client: C,
  service: string,
): C {
  client.middlewareStack.use(meterPlugin(awsCalls, service));
  return client;
}
