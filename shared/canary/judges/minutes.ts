import type { MinuteMetrics } from '../judge.js';

/** The index of the first minute at or after `iso`, scanning back from the newest (steps are short, histories long). */
export function firstMinuteFrom(minutes: readonly MinuteMetrics[], iso: string): number {
  const from = Date.parse(iso);
  let i = minutes.length;
  while (i > 0 && Date.parse((minutes[i - 1] as MinuteMetrics).at) >= from) i -= 1;
  return i;
}

/** Requests and errors summed over the minutes from index `from` on. */
export function totals(minutes: readonly MinuteMetrics[], from = 0): { requests: number; errors: number } {
  let requests = 0;
  let errors = 0;
  for (let i = from; i < minutes.length; i += 1) {
    const m = minutes[i] as MinuteMetrics;
    requests += m.requests;
    errors += m.errors;
  }
  return { requests, errors };
}

/** Request-weighted mean response time of the minutes that have one, or undefined when none has. */
export function meanLatency(minutes: readonly MinuteMetrics[], from = 0): number | undefined {
  let weighted = 0;
  let requests = 0;
  for (let i = from; i < minutes.length; i += 1) {
    const m = minutes[i] as MinuteMetrics;
    if (m.latencySeconds === undefined || m.requests <= 0) continue;
    weighted += m.latencySeconds * m.requests;
    requests += m.requests;
  }
  return requests > 0 ? weighted / requests : undefined;
}

/**
 * Calls `visit` with each canary minute and the stable minute that starts at the same time, oldest first; a minute one
 * side lacks is skipped (the sides are aligned, but a pairing must not trust that).
 */
export function forEachPairedMinute(
  canary: readonly MinuteMetrics[],
  stable: readonly MinuteMetrics[],
  visit: (canary: MinuteMetrics, stable: MinuteMetrics) => void,
): void {
  let i = 0;
  let j = 0;
  while (i < canary.length && j < stable.length) {
    const c = canary[i] as MinuteMetrics;
    const s = stable[j] as MinuteMetrics;
    // Same ISO text is the same minute; only differently written times need parsing.
    const order = c.at === s.at ? 0 : Date.parse(c.at) - Date.parse(s.at);
    if (order === 0) visit(c, s);
    if (order <= 0) i += 1;
    if (order >= 0) j += 1;
  }
}

/** log(exp(a) + exp(b)) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const high = Math.max(a, b);
  return high + Math.log(Math.exp(a - high) + Math.exp(b - high));
}

/** A number rounded to `digits` significant digits, for evidence a person reads. */
export function significant(x: number, digits = 3): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x;
}

/** Evidence is stored as DynamoDB numbers, which must stay within the safe integers: factors above are shown as 1e15. */
export const FACTOR_CAP = 1e15;

/** A Bayes factor from its logarithm, capped at FACTOR_CAP. */
export function factorFromLog(logFactor: number): number {
  return significant(Math.exp(Math.min(logFactor, Math.log(FACTOR_CAP))));
}

export const percent = (x: number, digits = 2) => `${(100 * x).toFixed(digits)} %`;
