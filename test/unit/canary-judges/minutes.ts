import type { MinuteMetrics } from '#shared/canary/judge.js';

const START = Date.parse('2026-11-24T12:00:00.000Z');

/** The ISO start of minute `i` of a canary. */
export const minuteAt = (i: number) => new Date(START + i * 60_000).toISOString();

/** `count` identical minutes of one side from minute `from` on. */
export function side(
  count: number,
  minute: { requests: number; errors: number; latencySeconds?: number },
  from = 0,
): MinuteMetrics[] {
  return Array.from({ length: count }, (_, i) => ({ at: minuteAt(from + i), ...minute }));
}
