import { DateTime } from 'luxon';
import type { PromotionWindow } from '../config/canary.js';
import { weekdays } from '../config/canary-action.js';

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h as number) * 60 + (m as number);
};

/** True when `at` falls inside the window; an end before the start crosses midnight into the next day. */
export function insideWindow(window: PromotionWindow, at: string): boolean {
  const local = DateTime.fromISO(at, { zone: 'utc' }).setZone(window.timeZone);
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  const day = (offset: number) => weekdays[(local.weekday - 1 + offset + 7) % 7] as (typeof weekdays)[number];
  if (start < end) return window.days.includes(day(0)) && minute >= start && minute < end;
  // Crossing midnight: the evening belongs to today's window, the early morning to yesterday's.
  return (minute >= start && window.days.includes(day(0))) || (minute < end && window.days.includes(day(-1)));
}

/** True when promotions may happen at `at`: inside any window, or always when there are none. */
export function promotionAllowed(windows: readonly PromotionWindow[], at: string): boolean {
  return windows.length === 0 || windows.some((w) => insideWindow(w, at));
}

/** The first minute at or after `from` when promotions are allowed (searched minute by minute for 8 days). */
export function nextPromotionTime(windows: readonly PromotionWindow[], from: string): string | undefined {
  if (promotionAllowed(windows, from)) return from;
  let at = DateTime.fromISO(from, { zone: 'utc' }).startOf('minute').plus({ minutes: 1 });
  for (let i = 0; i < 8 * 24 * 60; i += 1, at = at.plus({ minutes: 1 })) {
    const iso = at.toISO() as string;
    if (promotionAllowed(windows, iso)) return iso;
  }
  return undefined;
}
