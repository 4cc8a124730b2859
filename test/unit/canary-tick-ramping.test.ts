import { describe, expect, it } from 'vitest';
import { atWeights, ramping, TG_BLUE, TG_GREEN } from '#test/support/canary-builders.js';
import {
  AT,
  alarmsOk,
  evidence,
  fixed,
  sundaysOnly,
  tick,
  weightsGate,
  windowOpen,
} from '#test/support/canary-tick.js';

describe('Canary tick: a ramping release', () => {
  it('promotes after the bake with every gate passed, recording the step, the write and the evidence', () => {
    // Prepare
    const record = ramping(1, [10, 90]);
    const reason = 'promote to 25 % (weights 25/75)';

    // Act
    const result = tick(record, atWeights(10, 90, 3, AT), fixed('pass', 'fine'));

    // Assess
    expect(result).toEqual({
      decision: 'promote',
      reason,
      intents: [
        {
          kind: 'set-weights',
          before: [
            { targetGroupArn: TG_BLUE, weight: 90 },
            { targetGroupArn: TG_GREEN, weight: 10 },
          ],
          after: [
            { targetGroupArn: TG_BLUE, weight: 75 },
            { targetGroupArn: TG_GREEN, weight: 25 },
          ],
          weights: { canary: 25, stable: 75 },
          basis: { canaryHealthy: 3, canaryNeeded: 3, stableHealthy: 10, stableNeeded: 8 },
          why: reason,
        },
      ],
      next: {
        ...record,
        phase: 'ramping',
        step: 2,
        stepStartedAt: AT,
        written: { canary: 25, stable: 75, at: AT, verified: false, attempts: 1 },
        reason,
        history: [{ at: AT, by: 'promoter', from: 'ramping', to: 'ramping', step: 2, reason, evidence }],
      },
      gates: [
        weightsGate('10/90', '10/90'),
        alarmsOk,
        { gate: 'judge', ok: true, detail: 'pass: fine' },
        { gate: 'bake', ok: true, detail: '5 of 1 min' },
        windowOpen,
        { gate: 'capacity', ok: true, detail: '3 healthy canary targets of 3 needed for 25 % (desired 3)' },
      ],
      verdict: { outcome: 'pass', reason: 'fine', evidence },
    });
  });

  it('rolls back on gate alarms, naming them all', () => {
    // Prepare
    const obs = atWeights(25, 75, 3, AT);
    obs.alarms = [
      { name: 'web-5xx', state: 'ALARM' },
      { name: 'web-p99', state: 'ALARM' },
    ];

    // Act
    const result = tick(ramping(2, [25, 75]), obs);

    // Assess
    expect(result.decision).toBe('roll-back');
    expect(result.next?.reason).toBe('roll back: gate alarm in ALARM: web-5xx, web-p99');
  });

  it("rolls back on the judge's fail, naming the judge and its reason", () => {
    // Act
    const result = tick(ramping(2, [25, 75]), atWeights(25, 75, 3, AT), fixed('fail', 'canary worse'));

    // Assess
    expect(result.decision).toBe('roll-back');
    expect(result.next?.reason).toBe('roll back: fixed judge: canary worse');
    expect(result.gates.find((g) => g.gate === 'judge')).toEqual({
      gate: 'judge',
      ok: false,
      detail: 'fail: canary worse',
    });
  });

  it('waits at the last step for its weights to read back', () => {
    // Act
    const result = tick(ramping(4, [100, 0]), atWeights(100, 0, 10, AT), fixed('inconclusive', 'thin'));

    // Assess
    expect(result).toEqual({
      decision: 'hold',
      reason: 'at the last step; waiting for its weights to read back',
      intents: [],
      gates: [weightsGate('100/0', '100/0'), alarmsOk, { gate: 'judge', ok: false, detail: 'inconclusive: thin' }],
      verdict: { outcome: 'inconclusive', reason: 'thin', evidence },
    });
  });

  it('promotes on request before the bake and whatever the judge, one step or all the way', () => {
    // Prepare
    const asked = (request: 'promote' | 'promote-full') => ({ ...ramping(1, [10, 90], AT), request });

    // Act
    const one = tick(asked('promote'), atWeights(10, 90, 3, AT), fixed('inconclusive'));
    const full = tick(asked('promote-full'), atWeights(10, 90, 10, AT), fixed('inconclusive'));

    // Assess
    expect(one).toMatchObject({
      decision: 'promote',
      reason: 'promote to 25 % (weights 25/75) by request',
      next: { step: 2, request: undefined },
    });
    expect(one.next?.history.at(-1)).toMatchObject({ by: 'request', evidence });
    expect(full).toMatchObject({
      decision: 'promote',
      reason: 'promote to 100 % (weights 100/0) by request',
      next: { step: 4 },
    });
  });

  it('bakes each step, keeping the verdict', () => {
    // Act
    const result = tick(ramping(1, [10, 90], AT), atWeights(10, 90, 3, '2026-11-24T10:05:50.000Z'));

    // Assess
    expect(result).toMatchObject({ decision: 'hold', reason: 'baking: 0 of 1 min', verdict: { outcome: 'pass' } });
  });

  it('holds a baked step outside the windows, keeping the verdict', () => {
    // Act
    const result = tick(ramping(1, [10, 90]), atWeights(10, 90, 3, AT), fixed('pass'), sundaysOnly);

    // Assess
    expect(result).toMatchObject({
      decision: 'hold',
      reason: 'outside the promotion windows',
      verdict: { outcome: 'pass' },
    });
  });

  it('holds an inconclusive step until its bake time plus the longest hold, then pauses', () => {
    // Prepare: bake 1 min + hold 120 min
    const judge = fixed('inconclusive', 'thin');

    // Act
    const holding = tick(ramping(1, [10, 90]), atWeights(10, 90, 3, '2026-11-24T12:00:59.000Z'), judge);
    const paused = tick(ramping(1, [10, 90]), atWeights(10, 90, 3, '2026-11-24T12:01:00.000Z'), judge);

    // Assess
    expect(holding).toMatchObject({
      decision: 'hold',
      reason: 'judge inconclusive: thin',
      verdict: { outcome: 'inconclusive' },
    });
    expect(paused).toMatchObject({
      decision: 'pause',
      reason: 'held 121 min without a verdict: thin',
      verdict: { outcome: 'inconclusive' },
    });
    expect(paused.next?.history.at(-1)?.evidence).toEqual(evidence);
  });
});
