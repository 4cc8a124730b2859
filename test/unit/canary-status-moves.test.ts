import { describe, expect, it } from 'vitest';
import {
  activePhases,
  type CanaryPhase,
  CanaryTransitionError,
  canTransition,
  HISTORY_LIMIT,
  pause,
  transition,
} from '#shared/canary/status.js';
import { pendingRecord, T0 } from '#test/support/canary-builders.js';

describe('Module: canary status', () => {
  const phases: CanaryPhase[] = ['pending', 'ramping', 'paused', 'rolling-back', 'rolled-back', 'done'];

  it('allows exactly the moves of the status machine', () => {
    // Act
    const allowed = phases.flatMap((from) =>
      phases.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`),
    );

    // Assess
    expect(allowed).toEqual([
      'pending>ramping',
      'pending>paused',
      'pending>rolling-back',
      'pending>rolled-back',
      'ramping>ramping',
      'ramping>paused',
      'ramping>rolling-back',
      'ramping>done',
      'paused>pending',
      'paused>ramping',
      'paused>paused',
      'paused>rolling-back',
      'rolling-back>paused',
      'rolling-back>rolling-back',
      'rolling-back>rolled-back',
      'rolled-back>pending',
      'done>pending',
    ]);
    expect(activePhases).toEqual(['pending', 'ramping', 'rolling-back']);
  });

  it('names the canary and both phases when it refuses a move', () => {
    expect(() => transition(pendingRecord({ phase: 'rolled-back' }), 'done', { at: T0, by: 'x', reason: 'y' })).toThrow(
      new CanaryTransitionError('canary web cannot go from rolled-back to done'),
    );
  });

  it('records a move with its step, reason and evidence, the step from the change before the fields', () => {
    // Act
    const moved = transition(
      pendingRecord(),
      'ramping',
      { at: T0, by: 'promoter', reason: 'step 0', evidence: { bayesFactor: 2 }, step: 0 },
      { step: 3, stepStartedAt: T0 },
    );
    const fromFields = transition(pendingRecord(), 'ramping', { at: T0, by: 'promoter', reason: 'r' }, { step: 1 });
    const kept = transition(pendingRecord({ step: 2 }), 'ramping', { at: T0, by: 'promoter', reason: 'r' });

    // Assess
    expect(moved).toMatchObject({ phase: 'ramping', step: 0, reason: 'step 0', stepStartedAt: T0 });
    expect(moved.history).toEqual([
      {
        at: T0,
        by: 'promoter',
        from: 'pending',
        to: 'ramping',
        step: 0,
        reason: 'step 0',
        evidence: { bayesFactor: 2 },
      },
    ]);
    expect(fromFields.step).toBe(1);
    expect(kept.step).toBe(2);
    expect(kept.history[0]).not.toHaveProperty('evidence');
  });

  it('keeps the newest transitions only, up to the limit', () => {
    // Prepare
    const long = pendingRecord({
      phase: 'ramping',
      history: Array.from({ length: HISTORY_LIMIT }, (_, i) => ({
        at: T0,
        by: 'p',
        from: 'ramping' as const,
        to: 'ramping' as const,
        step: i,
        reason: `${i}`,
      })),
    });

    // Act
    const moved = transition(long, 'ramping', { at: T0, by: 'p', reason: 'newest' });

    // Assess
    expect(moved.history).toHaveLength(HISTORY_LIMIT);
    expect(moved.history[0]?.reason).toBe('1');
    expect(moved.history.at(-1)?.reason).toBe('newest');
  });

  it('pausing a paused canary keeps the phase it resumes into', () => {
    // Act
    const twice = pause(pause(pendingRecord({ phase: 'rolling-back' }), { at: T0, by: 'a', reason: 'a' }), {
      at: T0,
      by: 'b',
      reason: 'b',
    });

    // Assess
    expect(twice).toMatchObject({ phase: 'paused', resumeTo: 'rolling-back', reason: 'b' });
  });
});
