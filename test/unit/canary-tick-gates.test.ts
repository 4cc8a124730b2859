import { describe, expect, it } from 'vitest';
import { atWeights, observation, pendingRecord, ramping, TD_NEW, TD_OLD } from '#test/support/canary-builders.js';
import { AT, alarmsOk, config, fixed, sundaysOnly, tick, weightsGate, windowOpen } from '#test/support/canary-tick.js';

describe('Canary tick: gates of a pending release', () => {
  it('does not start while gate alarms fire, naming them all', () => {
    // Prepare
    const obs = atWeights(0, 100, 1);
    obs.alarms = [
      { name: 'web-5xx', state: 'ALARM' },
      { name: 'web-p99', state: 'ALARM' },
      { name: 'web-gone', state: 'MISSING' },
    ];

    // Act
    const result = tick(pendingRecord(), obs);

    // Assess
    expect(result).toEqual({
      decision: 'hold',
      reason: 'gate alarm in ALARM: web-5xx, web-p99; the canary does not start',
      intents: [],
      gates: [
        weightsGate('0/100', '0/100'),
        {
          gate: 'alarms',
          ok: false,
          detail: 'in ALARM: web-5xx, web-p99; not found, so gating nothing: web-gone',
        },
      ],
    });
  });

  it('names every missing gate alarm', () => {
    // Prepare
    const obs = atWeights(0, 100, 1);
    obs.alarms = [
      { name: 'a', state: 'MISSING' },
      { name: 'b', state: 'MISSING' },
    ];

    // Act
    const result = tick(pendingRecord(), obs);

    // Assess
    expect(result.gates[1]).toEqual({
      gate: 'alarms',
      ok: true,
      detail: 'none in ALARM; not found, so gating nothing: a, b',
    });
  });

  it('waits for a window to start, unless asked to promote, and then goes straight to the step asked for', () => {
    // Act
    const waiting = tick(pendingRecord(), atWeights(0, 100, 10), fixed('pass'), sundaysOnly);
    const asked = tick(pendingRecord({ request: 'promote-full' }), atWeights(0, 100, 10), fixed('pass'), sundaysOnly);

    // Assess
    expect(waiting).toEqual({
      decision: 'hold',
      reason: 'outside the promotion windows',
      intents: [],
      gates: [
        weightsGate('0/100', '0/100'),
        alarmsOk,
        { gate: 'window', ok: false, detail: 'closed; opens 2026-11-29T00:00:00.000Z' },
      ],
    });
    expect(asked).toMatchObject({
      decision: 'start',
      reason: 'start at 100 % (weights 100/0) by request',
      next: { phase: 'ramping', step: 4, request: undefined },
    });
    expect(asked.next?.history.at(-1)).toMatchObject({ by: 'request', step: 4 });
  });

  it('says a window that never opens does not open within 8 days', () => {
    // Prepare: a window no schema would accept, on no day at all
    const never = { ...config, windows: [{ timeZone: 'UTC', days: [], start: '00:00', end: '23:59' }] };

    // Act
    const result = tick(pendingRecord(), atWeights(0, 100, 1), fixed('pass'), never);

    // Assess
    expect(result.gates.at(-1)).toEqual({ gate: 'window', ok: false, detail: 'closed; opens not within 8 days' });
  });
});

describe('Canary tick: capacity before weight', () => {
  it('deploys the release and scales the canary first, saying what for', () => {
    expect(tick(pendingRecord(), observation())).toEqual({
      decision: 'hold',
      reason: `capacity first: preparing web-green (1 tasks of ${TD_NEW}) before 5 %`,
      intents: [
        {
          kind: 'set-task-definition',
          service: 'web-green',
          from: TD_OLD,
          to: TD_NEW,
          why: "the canary side runs the release's task definition",
        },
        {
          kind: 'set-desired-count',
          service: 'web-green',
          from: 0,
          to: 1,
          weightNow: 0,
          why: 'capacity before weight: 5 % of 10 stable tasks needs 1 canary tasks',
        },
      ],
      gates: [
        weightsGate('0/100', '0/100'),
        alarmsOk,
        windowOpen,
        { gate: 'capacity', ok: false, detail: '0 healthy canary targets of 1 needed for 5 % (desired 0)' },
      ],
    });
  });

  it('deploys the release first even when the old tasks would be enough', () => {
    // Prepare
    const obs = atWeights(0, 100, 1);
    obs.canary.taskDefinition = TD_OLD;

    // Act
    const result = tick(pendingRecord(), obs);

    // Assess
    expect(result.decision).toBe('hold');
    expect(result.intents.map((i) => i.kind)).toEqual(['set-task-definition']);
  });

  it('waits while the canary still deploys, though it has the healthy targets', () => {
    // Prepare
    const obs = atWeights(0, 100, 1);
    obs.canary.deploying = true;

    // Act
    const result = tick(pendingRecord(), obs);

    // Assess
    expect(result).toMatchObject({
      decision: 'hold',
      reason: 'waiting for 1 healthy canary targets before 5 % (have 1)',
      intents: [],
    });
    expect(result.gates.at(-1)).toEqual({
      gate: 'capacity',
      ok: false,
      detail: '1 healthy canary targets of 1 needed for 5 % (desired 1, deploying)',
    });
  });

  it('keeps the verdict on a promotion held for capacity', () => {
    // Act: 25 % of 10 stable tasks needs 3; the canary runs 1
    const result = tick(ramping(1, [10, 90]), atWeights(10, 90, 1, AT));

    // Assess
    expect(result).toMatchObject({ decision: 'hold', verdict: { outcome: 'pass' } });
  });

  it('moves no weight onto a stable side short of healthy targets, keeping the verdict', () => {
    // Prepare: the pair's weight 11 is raised to 100, so the stable side would go from 1 to 75
    const record = ramping(1, [10, 1]);
    const obs = atWeights(10, 1, 3, AT);
    obs.stable.healthyTargets = 5;

    // Act
    const result = tick(record, obs);

    // Assess
    expect(result).toMatchObject({
      decision: 'hold',
      reason: 'not moving weight: the stable side has 5 healthy targets, 8 needed for its weight',
      intents: [],
      verdict: { outcome: 'pass' },
    });
  });
});
