import { describe, expect, it } from 'vitest';
import type { CanaryJudge, JudgeVerdict } from '#shared/canary/judge.js';
import { planCanaryTick } from '#shared/canary/plan.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { CanaryObservation } from '#shared/canary/types.js';
import type { CanaryConfig } from '#shared/config/canary.js';
import {
  atWeights,
  canaryConfig,
  observation,
  pendingRecord,
  ramping,
  T0,
  TD_NEW,
  TD_OLD,
  TG_BLUE,
  TG_GREEN,
} from '#test/support/canary-builders.js';

const config = canaryConfig();
const AT = '2026-11-24T10:05:00.000Z';
const evidence = { canaryRequests: 1000 };

/** A judge that always gives the same verdict: the tick is judged on its other gates. */
function fixed(outcome: JudgeVerdict['outcome'], reason = 'the judge says so'): CanaryJudge {
  return { name: 'fixed', judge: () => ({ outcome, reason, evidence }) as JudgeVerdict };
}

function tick(record: CanaryRecord, obs: CanaryObservation, judge = fixed('pass'), cfg: CanaryConfig = config) {
  return planCanaryTick({ config: cfg, record, observation: obs, judge });
}

const weightsGate = (read: string, written: string, ok = true) => ({
  gate: 'weights',
  ok,
  detail: `read ${read} (canary/stable), last written ${written}`,
});
const alarmsOk = { gate: 'alarms', ok: true, detail: 'none in ALARM' };
const windowOpen = { gate: 'window', ok: true, detail: 'open' };
const sundaysOnly = canaryConfig({ windows: [{ days: ['sun'] }] });

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
