import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHandledTaskVersions, rememberHandledVersion } from '#shared/tasks/handled-versions.js';

const task = 'arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e2d3c4b5a49687766554433221100';

describe('Task stops: the versions a container has handled', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('remembers the first version of a task, raises it, and never lowers it', () => {
    // Prepare
    const memory = createHandledTaskVersions();

    // Act
    rememberHandledVersion(memory, task, 4);
    const first = memory.get(task);
    rememberHandledVersion(memory, task, 6);
    rememberHandledVersion(memory, task, 5);

    // Assess
    expect(first).toBe(4);
    expect(memory.get(task)).toBe(6);
  });

  it('forgets a task after half an hour, when no event of it is due any more', () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T10:00:00Z'));
    const memory = createHandledTaskVersions();
    rememberHandledVersion(memory, task, 6);

    // Act
    vi.setSystemTime(new Date('2026-11-27T10:29:00Z'));
    const before = memory.get(task);
    vi.setSystemTime(new Date('2026-11-27T10:31:00Z'));
    const after = memory.get(task);

    // Assess
    expect(before).toBe(6);
    expect(after).toBeUndefined();
  });

  it('keeps at most the number of tasks it is given, dropping the least recent', () => {
    // Prepare
    const memory = createHandledTaskVersions(2);

    // Act
    for (const [n, version] of [1, 2, 3, 4, 5].entries()) rememberHandledVersion(memory, `${task}-${n}`, version);

    // Assess: quick-lru keeps up to twice maxSize across its two generations, never every task.
    expect(memory.get(`${task}-4`)).toBe(5);
    expect(memory.has(`${task}-0`)).toBe(false);
  });
});
