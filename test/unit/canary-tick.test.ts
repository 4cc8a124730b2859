import { describe, expect, it } from 'vitest';
import { atWeights, pendingRecord, ramping, T0 } from '#test/support/canary-builders.js';
import { AT, alarmsOk, config, evidence, fixed, tick, weightsGate } from '#test/support/canary-tick.js';

describe('Canary tick: before any gate', () => {
  it('leaves a canary switched off in the config alone', () => {
    expect(tick(ramping(1, [10, 90]), atWeights(10, 90, 3, AT), fixed('pass'), { ...config, enabled: false })).toEqual({
      decision: 'idle',
      reason: 'disabled in the config',
      intents: [],
      gates: [],
    });
  });

  it('leaves a paused canary alone, saying why it is paused', () => {
    expect(tick(pendingRecord({ phase: 'paused', reason: 'operator says wait' }), atWeights(10, 90, 3, AT))).toEqual({
      decision: 'idle',
      reason: 'paused: operator says wait',
      intents: [],
      gates: [],
    });
  });

  it("pauses on each of ECS's own strategies on either side, and not on a rolling one", () => {
    for (const strategy of ['BLUE_GREEN', 'LINEAR', 'CANARY']) {
      // Prepare
      const obs = atWeights(0, 100, 1);
      obs.stable.ecsStrategy = strategy;

      // Act
      const result = tick(pendingRecord(), obs);

      // Assess
      expect(result).toMatchObject({
        decision: 'pause',
        reason: `service web-blue uses ECS's own ${strategy} strategy: ECS owns its weights`,
      });
    }
    const rolling = atWeights(0, 100, 1);
    rolling.canary.ecsStrategy = 'ROLLING';
    expect(tick(pendingRecord(), rolling).decision).toBe('start');
  });

  it('pauses a running canary whose action no longer forwards to both sides, and only holds a finished one', () => {
    // Prepare
    const { forward: _gone, ...noForward } = atWeights(0, 100, 1);

    // Act
    const running = tick(pendingRecord(), noForward);
    const finished = tick(pendingRecord({ phase: 'done' }), noForward);

    // Assess
    expect(running).toMatchObject({
      decision: 'pause',
      reason: 'the forward action no longer holds both target groups: check the rule or listener',
      intents: [],
      critical: true,
    });
    expect(finished).toEqual({
      decision: 'hold',
      reason: 'the action no longer forwards to both target groups',
      intents: [],
      gates: [],
    });
  });
});

describe('Canary tick: the weights last written', () => {
  it('adopts the weights it reads after a resume, as verified, and goes on from there', () => {
    // Prepare
    const resumed = {
      ...ramping(1, [10, 90], AT),
      acceptObserved: true,
      written: { canary: 5, stable: 95, at: T0, verified: false, attempts: 2 },
    };

    // Act
    const result = tick(resumed, atWeights(30, 70, 3, AT), fixed('pass', 'fine'));

    // Assess
    expect(result).toEqual({
      decision: 'hold',
      reason: 'baking: 0 of 1 min',
      intents: [],
      gates: [
        alarmsOk,
        { gate: 'judge', ok: true, detail: 'pass: fine' },
        { gate: 'bake', ok: false, detail: '0 of 1 min' },
      ],
      verdict: { outcome: 'pass', reason: 'fine', evidence },
      next: {
        ...resumed,
        acceptObserved: false,
        written: { canary: 30, stable: 70, at: AT, verified: true, attempts: 0 },
      },
    });
  });

  it('starts a release that never wrote weights without comparing any', () => {
    // Prepare
    const { written: _none, ...unwritten } = pendingRecord();

    // Act
    const result = tick(unwritten, atWeights(0, 100, 1));

    // Assess
    expect(result.decision).toBe('start');
    expect(result.gates.map((g) => g.gate)).toEqual(['alarms', 'window', 'capacity']);
  });

  it('pauses when either side reads back other than last written, with the numbers', () => {
    // Act
    const stableMoved = tick(ramping(1, [10, 90]), atWeights(10, 80, 3, AT));
    const canaryMoved = tick(ramping(1, [10, 90]), atWeights(20, 90, 3, AT));

    // Assess
    expect(stableMoved).toMatchObject({
      decision: 'pause',
      reason: 'the weights changed outside ecs-autopilot: 10/80 instead of 10/90; resume to adopt them',
      intents: [],
      gates: [weightsGate('10/80', '10/90', false)],
    });
    expect(stableMoved.next?.history.at(-1)?.evidence).toEqual({
      observedCanary: 10,
      observedStable: 80,
      writtenCanary: 10,
    });
    expect(canaryMoved.decision).toBe('pause');
  });

  it('writes unread weights again, saying which attempt, and pauses once the attempts are spent', () => {
    // Prepare
    const unread = (attempts: number) => ({
      ...ramping(1, [10, 90]),
      written: { canary: 10, stable: 90, at: T0, verified: false, attempts },
    });

    // Act
    const retry = tick(unread(1), atWeights(5, 95, 3, AT));
    const spent = tick(unread(3), atWeights(5, 95, 3, AT));

    // Assess
    expect(retry).toMatchObject({
      decision: 'hold',
      reason: 'weights 10/90 not read back yet: writing them again (attempt 2)',
      intents: [
        {
          kind: 'set-weights',
          weights: { canary: 10, stable: 90 },
          why: 'the last weight write did not read back as written',
        },
      ],
      next: { written: { canary: 10, stable: 90, at: AT, verified: false, attempts: 2 } },
    });
    expect(spent).toMatchObject({
      decision: 'pause',
      reason: 'weights 10/90 written 3 times never read back (read 5/95)',
    });
  });

  it('completes the release once the last step reads back, and says so', () => {
    // Prepare
    const record = {
      ...ramping(4, [100, 0]),
      written: { canary: 100, stable: 0, at: T0, verified: false, attempts: 1 },
    };

    // Act
    const result = tick(record, atWeights(100, 0, 10, AT));

    // Assess
    expect(result).toMatchObject({
      decision: 'complete',
      reason: 'the canary takes 100 % (weights 100/0 read back)',
      intents: [],
      gates: [weightsGate('100/0', '100/0')],
      next: { phase: 'done', idleSince: AT },
    });
  });

  it('ends a rollback once the canary reads back at zero', () => {
    // Prepare
    const record = pendingRecord({
      phase: 'rolling-back',
      step: 0,
      written: { canary: 0, stable: 100, at: T0, verified: false, attempts: 1 },
    });

    // Act
    const result = tick(record, atWeights(0, 100, 1, AT));

    // Assess
    expect(result).toMatchObject({
      decision: 'roll-back',
      reason: 'the stable side takes all traffic again (weights 0/100 read back)',
      intents: [],
      next: { phase: 'rolled-back', step: -1, idleSince: AT },
    });
  });

  it('confirms a step that read back and promotes in the same tick, recording the new step', () => {
    // Prepare
    const record = {
      ...ramping(1, [10, 90]),
      written: { canary: 10, stable: 90, at: T0, verified: false, attempts: 1 },
    };

    // Act
    const result = tick(record, atWeights(10, 90, 3, AT));

    // Assess
    expect(result.decision).toBe('promote');
    expect(result.next).toMatchObject({ step: 2, written: { canary: 25, stable: 75, verified: false } });
  });

  it('confirms a step that read back and goes on judging it, keeping the confirmation', () => {
    // Prepare
    const record = {
      ...ramping(1, [10, 90], AT),
      written: { canary: 10, stable: 90, at: AT, verified: false, attempts: 1 },
    };

    // Act
    const result = tick(record, atWeights(10, 90, 3, AT));

    // Assess
    expect(result.decision).toBe('hold');
    expect(result.reason).toBe('baking: 0 of 1 min');
    expect(result.next).toEqual({ ...record, written: { ...record.written, verified: true } });
  });
});
