import { describe, expect, it } from 'vitest';
import { judgedFrom } from '#shared/canary/observe.js';
import type { CanaryTransition } from '#shared/canary/status.js';
import { canaryConfig, pendingRecord, T0 } from '#test/support/canary-builders.js';

const NOW = '2026-11-24T12:00:00.000Z';
const minutesBefore = (at: string, minutes: number) => new Date(Date.parse(at) - minutes * 60_000).toISOString();

/** A transition of the release's history, as the promoter records it. */
const step = (from: CanaryTransition['from'], to: CanaryTransition['to'], at: string): CanaryTransition => ({
  at,
  by: 'promoter',
  from,
  to,
  step: 0,
  reason: `${from} → ${to}`,
});

describe('Canary judge: the period its metrics are read over', () => {
  it('begins with the release’s first weight on the canary, not with a later step or the start', () => {
    // Prepare
    const history = [
      step('none', 'pending', minutesBefore(NOW, 40)),
      step('pending', 'ramping', minutesBefore(NOW, 30)),
      step('ramping', 'ramping', minutesBefore(NOW, 10)),
    ];

    // Act
    const from = judgedFrom(canaryConfig({ bakeMinutes: 5 }), pendingRecord({ history }), NOW);

    // Assess
    expect(from).toBe(minutesBefore(NOW, 30));
  });

  it.each([
    [5, 5],
    [0, 1],
  ])('without a first weight yet, begins one bake time back (bake %i min: %i min back)', (bakeMinutes, back) => {
    // Prepare: started, not ramping yet; a pause and resume are not the first weight either
    const history = [
      step('none', 'pending', minutesBefore(NOW, 3)),
      step('pending', 'paused', minutesBefore(NOW, 2)),
      step('paused', 'ramping', minutesBefore(NOW, 1)),
    ];

    // Act
    const from = judgedFrom(canaryConfig({ bakeMinutes }), pendingRecord({ history }), NOW);

    // Assess
    expect(from).toBe(minutesBefore(NOW, back));
  });

  it('reaches no more than a day back, however long the release has run', () => {
    // Prepare
    const history = [step('pending', 'ramping', T0)];
    const threeDaysOn = new Date(Date.parse(T0) + 3 * 24 * 3600_000).toISOString();

    // Act
    const from = judgedFrom(canaryConfig(), pendingRecord({ history }), threeDaysOn);

    // Assess
    expect(from).toBe(minutesBefore(threeDaysOn, 24 * 60));
  });
});
