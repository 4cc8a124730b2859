import type { PromotionWindow } from '../config/canary.js';
import { weekdays } from '../config/canary-action.js';

type Weekday = (typeof weekdays)[number];

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h as number) * 60 + (m as number);
};

// One formatter per time zone: building one loads the zone's rules, and the next opening is searched minute by minute.
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The weekday and the minute of the day that `at` shows on a clock in `timeZone` (Intl's time zone database). */
function wallClock(timeZone: string, at: Date): { day: number; minute: number } {
  let format = wallClocks.get(timeZone);
  if (!format) {
    const fields = { weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' } as const;
    format = new Intl.DateTimeFormat('en-US', { timeZone, ...fields });
    // Stryker disable next-line CallExpression: equivalent, keeping the formatter only saves building it again
    wallClocks.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    day: weekdays.indexOf(String(parts.weekday).toLowerCase() as Weekday),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** True when `at` falls inside the window; an end before the start crosses midnight into the next day. */
export function insideWindow(window: PromotionWindow, at: string): boolean {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) return false;
  const local = wallClock(window.timeZone, instant);
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  const day = (offset: number) => weekdays[(local.day + offset + 7) % 7] as Weekday;
  if (start < end) return window.days.includes(day(0)) && local.minute >= start && local.minute < end;
  // Crossing midnight: the evening belongs to today's window, the early morning to yesterday's.
  return (
    (local.minute >= start && window.days.includes(day(0))) || (local.minute < end && window.days.includes(day(-1)))
  );
}

/** True when promotions may happen at `at`: inside any window, or always when there are none. */
export function promotionAllowed(windows: readonly PromotionWindow[], at: string): boolean {
  return windows.length === 0 || windows.some((w) => insideWindow(w, at));
}

/** The first minute at or after `from` when promotions are allowed (searched minute by minute for 8 days). */
export function nextPromotionTime(windows: readonly PromotionWindow[], from: string): string | undefined {
  if (promotionAllowed(windows, from)) return from;
  const start = Date.parse(from);
  if (Number.isNaN(start)) return undefined;
  const firstMinute = Math.floor(start / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < 8 * 24 * 60; i += 1) {
    const iso = new Date(firstMinute + i * 60_000).toISOString();
    if (promotionAllowed(windows, iso)) return iso;
  }
  return undefined;
}
