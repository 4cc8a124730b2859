import type { CrashLoopOptions } from '../../config/notifications.js';
import type { StopClassification } from '../classify.js';

/**
 * How many failed stops within the window make a crash loop, after ECS's deployment circuit breaker: half the desired
 * count, at least 3, at most 200 (the share and bounds are configurable). Pure.
 */
export function crashLoopThreshold(desiredCount: number, options: CrashLoopOptions): number {
  const share = Math.ceil(options.desiredCountShare * desiredCount);
  return Math.min(options.maxStops, Math.max(options.minStops, share));
}

/** A stop that counts toward a crash loop: the task failed, rather than being stopped or replaced on purpose. */
export function isFailedStop(classification: StopClassification): boolean {
  return !classification.routine && classification.kind !== 'spot-interruption';
}

/** The window's count after the stops just added. */
export interface CrashLoopCount {
  /** Failed stops counted in the window (the current half and the one before it), these included. */
  inWindow: number;
  /** How many of them were added now. */
  added: number;
}

/** The verdict for the stops just counted. */
export interface CrashLoopVerdict {
  /** Failed stops counted in the window (between half of it and all of it back). */
  failedStops: number;
  threshold: number;
  /** True for exactly one addition per window: the one that reached the threshold. */
  raise: boolean;
}

/**
 * Decides whether the stops just counted make the service a crash loop. Pure. The count covers the current and the
 * previous half window (the last half to whole window); only the addition that takes it from below the threshold to
 * it raises, so concurrent invocations (each seeing its own count from an atomic increment) raise one alert.
 */
export function judgeCrashLoop(
  count: CrashLoopCount,
  desiredCount: number,
  options: CrashLoopOptions,
): CrashLoopVerdict {
  const threshold = crashLoopThreshold(desiredCount, options);
  const failedStops = count.inWindow;
  const before = failedStops - count.added;
  return { failedStops, threshold, raise: options.enabled && before < threshold && failedStops >= threshold };
}

/** The start (epoch ms) of the half window an instant falls in. */
export function halfWindowStart(at: Date, options: CrashLoopOptions): number {
  const half = (options.windowSeconds * 1000) / 2;
  return Math.floor(at.getTime() / half) * half;
}
