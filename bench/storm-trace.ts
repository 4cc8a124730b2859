import type { Pluggable } from '@smithy/types';

/** One AWS call as a container's client saw it: retries included, from the first attempt to the answer. */
export interface TracedCall {
  container: number;
  operation: string;
  startMs: number;
  endMs: number;
}

/** Where a run's calls are collected when `STORM_TRACE=1` asks where the storm's time goes. */
export class StormTrace {
  readonly calls: TracedCall[] = [];
  readonly batches: Array<{ container: number; startMs: number; endMs: number }> = [];

  /** A middleware that times each logical call of a container's client. */
  // biome-ignore lint/suspicious/noExplicitAny: every SDK client has its own input/output unions
  plugin(container: number): Pluggable<any, any> {
    return {
      applyToStack: (stack) => {
        stack.add(
          (next, context) => async (args) => {
            const startMs = performance.now();
            try {
              return await next(args);
            } finally {
              const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
              this.calls.push({ container, operation, startMs, endMs: performance.now() });
            }
          },
          { step: 'initialize', name: 'stormTrace', override: true },
        );
      },
    };
  }

  /** Per operation: calls, summed and longest duration; per batch: its span. Relative to `originMs`. */
  summary(originMs: number): string[] {
    const lines: string[] = [];
    const byOp = new Map<string, number[]>();
    for (const c of this.calls) byOp.set(c.operation, [...(byOp.get(c.operation) ?? []), c.endMs - c.startMs]);
    for (const [op, ms] of [...byOp].sort()) {
      const sorted = [...ms].sort((a, b) => a - b);
      const sum = sorted.reduce((a, b) => a + b, 0);
      const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
      lines.push(
        `${op.padEnd(24)} ${String(ms.length).padStart(5)} calls, sum ${(sum / 1000).toFixed(1)} s, p50 ${p50.toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`,
      );
    }
    const at = (ms: number) => ((ms - originMs) / 1000).toFixed(2);
    if (process.env.STORM_TRACE === 'calls') {
      for (const c of [...this.calls].sort((a, b) => a.startMs - b.startMs)) {
        lines.push(`  container ${c.container} ${c.operation.padEnd(22)} ${at(c.startMs)}–${at(c.endMs)} s`);
      }
    }
    for (const b of this.batches) {
      const mine = this.calls.filter(
        (c) => c.container === b.container && c.startMs >= b.startMs && c.endMs <= b.endMs,
      );
      const reads = mine.filter((c) => c.operation === 'BatchGetItem');
      const last = reads.length > 0 ? `, last answered at ${at(Math.max(...reads.map((c) => c.endMs)))} s` : '';
      lines.push(
        `batch of container ${b.container}: ${at(b.startMs)}–${at(b.endMs)} s, ${mine.length} calls, ${reads.length} reads of sweep results${last}`,
      );
    }
    return lines;
  }
}
