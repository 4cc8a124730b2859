import { describe, expect, it } from 'vitest';
import { addressStillHeld, ENI_STATE_FRESH_MS } from '#shared/tasks/batch-observe.js';
import { taskDetail } from '#test/support/builders.js';

const NOW = new Date('2026-03-01T12:00:10Z');

/** An event of the default awsvpc task whose ENI attachment is in `status`, sent `ageMs` before NOW. */
function eventWith(status: string, ageMs = 1_000, detail = taskDetail()) {
  const attachments = detail.attachments.map((a) => ({ ...a, status }));
  return { time: new Date(NOW.getTime() - ageMs).toISOString(), detail: { ...detail, attachments } };
}

describe('addressStillHeld', () => {
  it('holds while the event shows the task’s ENI attached or detaching, and the event is fresh', () => {
    // Act
    const held = ['ATTACHED', 'DETACHING', 'attached'].map((status) => addressStillHeld(eventWith(status), NOW));

    // Assess
    expect(held).toEqual([true, true, true]);
  });

  it('does not hold once the ENI is detached or deleted, whatever the event’s age', () => {
    // Act
    const held = ['DETACHED', 'DELETED', 'FAILED', ''].map((status) => addressStillHeld(eventWith(status), NOW));

    // Assess
    expect(held).toEqual([false, false, false, false]);
  });

  it('does not hold for an event older than the freshness bound, or one whose time cannot be read', () => {
    // Act
    const atBound = addressStillHeld(eventWith('ATTACHED', ENI_STATE_FRESH_MS), NOW);
    const older = addressStillHeld(eventWith('ATTACHED', ENI_STATE_FRESH_MS + 1), NOW);
    const unreadable = addressStillHeld({ ...eventWith('ATTACHED'), time: 'soon' }, NOW);

    // Assess
    expect([atBound, older, unreadable]).toEqual([true, false, false]);
  });

  it('does not hold for a bridge-mode task: its host port is free as soon as its container stops', () => {
    // Prepare
    const bridge = { time: new Date(NOW.getTime() - 1_000).toISOString(), detail: taskDetail({ attachments: [] }) };

    // Act
    const held = addressStillHeld(bridge, NOW);

    // Assess
    expect(held).toBe(false);
  });
});
