import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentCarriedBy, tasksForPercent } from '#shared/canary/capacity.js';
import { insideWindow, nextPromotionTime, promotionAllowed } from '#shared/canary/window.js';
import { PromotionWindowSchema } from '#shared/config/canary.js';

const window = (input: Record<string, unknown>) => PromotionWindowSchema.parse(input);

describe('Module: canary capacity', () => {
  it('needs no task for a side without traffic, whatever its minimum', () => {
    // Prepare
    const none = [0, -5];

    // Act
    const needed = none.map((percent) => tasksForPercent(10, percent, 3));

    // Assess
    expect(needed).toEqual([0, 0]);
  });

  it('needs exactly the share of stable tasks when the share is a whole number of tasks', () => {
    // Act
    const needed = [tasksForPercent(10, 30, 1), tasksForPercent(20, 50, 1), tasksForPercent(4, 100, 1)];

    // Assess
    expect(needed).toEqual([3, 10, 4]);
  });

  it('rounds a part of a task up: 35 % of 3 tasks needs 2', () => {
    expect(tasksForPercent(3, 35, 1)).toBe(2);
  });

  it('keeps the minimum while the side takes any traffic, even 1 % of a large service', () => {
    expect(tasksForPercent(100, 1, 4)).toBe(4);
    expect(tasksForPercent(100, 10, 4)).toBe(10);
  });

  it('lets a rollback move to a stable side with no desired count at once', () => {
    expect(percentCarriedBy(0, 0)).toBe(100);
    expect(percentCarriedBy(3, 0)).toBe(100);
  });

  it('carries the whole-percent share its healthy tasks can serve, rounded down', () => {
    expect(percentCarriedBy(2, 3)).toBe(66);
    expect(percentCarriedBy(0, 10)).toBe(0);
    expect(percentCarriedBy(10, 10)).toBe(100);
  });

  it('never carries more than all traffic nor less than none', () => {
    expect(percentCarriedBy(25, 10)).toBe(100);
    expect(percentCarriedBy(-2, 10)).toBe(0);
  });

  it('never needs more healthy tasks than it has at the share those tasks are said to carry', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 }), (fullDesired, healthy) => {
        // Prepare
        const carried = percentCarriedBy(healthy, fullDesired);

        // Act
        const needed = tasksForPercent(fullDesired, carried, 1);

        // Assess
        expect(needed).toBeLessThanOrEqual(Math.max(healthy, 1));
        expect(carried).toBeGreaterThanOrEqual(0);
        expect(carried).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe('Module: canary promotion windows', () => {
  const utcMorning = window({ days: ['tue'], start: '09:30', end: '10:15' });

  it('opens at its first minute and closes at its end minute, to the minute', () => {
    expect(insideWindow(utcMorning, '2026-11-24T09:29:00Z')).toBe(false);
    expect(insideWindow(utcMorning, '2026-11-24T09:30:00Z')).toBe(true);
    expect(insideWindow(utcMorning, '2026-11-24T10:14:59Z')).toBe(true);
    expect(insideWindow(utcMorning, '2026-11-24T10:15:00Z')).toBe(false);
  });

  it('reads midnight as minute 0 of the day, not 12 o’clock', () => {
    // Prepare
    const afterMidnight = window({ days: ['sat'], start: '00:00', end: '01:00' });

    // Act, Assess
    expect(insideWindow(afterMidnight, '2026-11-28T00:30:00Z')).toBe(true);
    expect(insideWindow(afterMidnight, '2026-11-28T12:30:00Z')).toBe(false);
  });

  it('gives the early morning of a window crossing midnight to the day it began', () => {
    // Prepare
    const sundayNight = window({ days: ['sun'], start: '22:00', end: '02:00' });

    // Act, Assess
    expect(insideWindow(sundayNight, '2026-11-30T01:59:00Z')).toBe(true); // Monday 01:59
    expect(insideWindow(sundayNight, '2026-11-30T02:00:00Z')).toBe(false); // Monday 02:00, end exclusive
    expect(insideWindow(sundayNight, '2026-11-29T22:00:00Z')).toBe(true); // Sunday 22:00
    expect(insideWindow(sundayNight, '2026-11-29T21:59:00Z')).toBe(false);
    expect(insideWindow(sundayNight, '2026-11-29T01:00:00Z')).toBe(false); // Sunday 01:00 belongs to Saturday
    expect(insideWindow(sundayNight, '2026-11-30T22:30:00Z')).toBe(false); // Monday evening
  });

  it('reads the days and hours in its own time zone', () => {
    // Prepare
    const tokyoMonday = window({ timeZone: 'Asia/Tokyo', days: ['mon'], start: '08:00', end: '09:00' });

    // Act, Assess
    expect(insideWindow(tokyoMonday, '2026-11-29T23:30:00Z')).toBe(true); // Monday 08:30 in Tokyo, Sunday in UTC
    expect(insideWindow(tokyoMonday, '2026-11-30T08:30:00Z')).toBe(false);
  });

  it('is closed at a time that cannot be read', () => {
    expect(insideWindow(utcMorning, 'not a time')).toBe(false);
    expect(promotionAllowed([utcMorning], 'not a time')).toBe(false);
    expect(nextPromotionTime([utcMorning], 'not a time')).toBeUndefined();
  });

  it('allows promotions at any time without windows, and inside any one of several', () => {
    // Prepare
    const evening = window({ days: ['tue'], start: '18:00', end: '19:00' });

    // Act, Assess
    expect(promotionAllowed([], '2026-11-28T03:00:00Z')).toBe(true);
    expect(promotionAllowed([utcMorning, evening], '2026-11-24T18:30:00Z')).toBe(true);
    expect(promotionAllowed([utcMorning, evening], '2026-11-24T09:45:00Z')).toBe(true);
    expect(promotionAllowed([utcMorning, evening], '2026-11-24T12:00:00Z')).toBe(false);
  });

  it('gives the time itself as the next opening while a window is open', () => {
    expect(nextPromotionTime([utcMorning], '2026-11-24T09:45:30.250Z')).toBe('2026-11-24T09:45:30.250Z');
    expect(nextPromotionTime([], 'whenever')).toBe('whenever');
  });

  it('finds the next opening on a whole minute after a time between minutes', () => {
    expect(nextPromotionTime([utcMorning], '2026-11-24T09:29:30Z')).toBe('2026-11-24T09:30:00.000Z');
    expect(nextPromotionTime([utcMorning], '2026-11-24T10:15:00Z')).toBe('2026-12-01T09:30:00.000Z');
  });

  it('finds the earliest opening of several windows', () => {
    // Prepare
    const thursday = window({ days: ['thu'], start: '07:00', end: '08:00' });
    const wednesday = window({ days: ['wed'], start: '20:00', end: '21:00' });

    // Act, Assess
    expect(nextPromotionTime([thursday, wednesday], '2026-11-24T12:00:00Z')).toBe('2026-11-25T20:00:00.000Z');
  });

  it('always names an opening inside a window, never earlier than asked', () => {
    const windows = fc.array(
      fc.record({
        days: fc.subarray(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, { minLength: 1 }),
        start: fc.integer({ min: 0, max: 23 }).map((h) => `${String(h).padStart(2, '0')}:00`),
        end: fc.integer({ min: 0, max: 23 }).map((h) => `${String(h).padStart(2, '0')}:30`),
      }),
      { minLength: 1, maxLength: 3 },
    );
    const instants = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') });
    fc.assert(
      fc.property(windows, instants, (raw, ms) => {
        // Prepare
        const parsed = raw.map(window);
        const from = new Date(ms).toISOString();

        // Act
        const next = nextPromotionTime(parsed, from) as string;

        // Assess
        expect(promotionAllowed(parsed, next)).toBe(true);
        expect(Date.parse(next)).toBeGreaterThanOrEqual(ms);
        expect(Date.parse(next) - ms).toBeLessThanOrEqual(7 * 24 * 3600_000);
      }),
      { numRuns: 30 },
    );
  });
});
