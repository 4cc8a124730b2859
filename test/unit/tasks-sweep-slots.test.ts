import { describe, expect, it } from 'vitest';
import { createHandledTaskVersions, rememberHandledVersion } from '#shared/tasks/handled-versions.js';
import { SWEEP_SLOT_SECONDS, sweepKey } from '#shared/tasks/storm-sweep.js';

describe('Storm sweep slots', () => {
  it('gives every batch of one service within a 10 s slot the same sweep, and the next slot another', () => {
    // Prepare
    const start = Date.parse('2026-11-24T12:00:00.000Z');

    // Act
    const first = sweepKey('prod', 'web', new Date(start));
    const sameSlot = sweepKey('prod', 'web', new Date(start + 9_999));
    const next = sweepKey('prod', 'web', new Date(start + 10_000));

    // Assess
    expect(SWEEP_SLOT_SECONDS).toBe(10);
    expect(first).toEqual({ pk: 'service/prod/web', sk: `storm-sweep/${start / 10_000}` });
    expect(sameSlot).toEqual(first);
    expect(next.sk).toBe(`storm-sweep/${start / 10_000 + 1}`);
  });
});

describe('Handled task versions', () => {
  it('raises the version remembered for a task, and keeps it against an older one', () => {
    // Prepare
    const memory = createHandledTaskVersions();

    // Act
    rememberHandledVersion(memory, 'task/a', 3);
    rememberHandledVersion(memory, 'task/a', 5);
    rememberHandledVersion(memory, 'task/a', 4);

    // Assess
    expect(memory.get('task/a')).toBe(5);
  });
});
