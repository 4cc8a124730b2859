import { describe, expect, it } from 'vitest';
import {
  abortRelease,
  CanaryCommandError,
  pauseRelease,
  requestPromotion,
  resumeRelease,
  type StartObservation,
  startRelease,
} from '#shared/canary/commands.js';
import { transition } from '#shared/canary/status.js';
import {
  canaryConfig,
  pendingRecord,
  side,
  T0,
  TD_NEW,
  TD_OLD,
  TG_BLUE,
  TG_GREEN,
} from '#test/support/canary-builders.js';

const config = canaryConfig();
const blue = side({ desiredCount: 6, taskDefinition: TD_OLD });
const green = side({ service: 'web-green', targetGroupArn: TG_GREEN, desiredCount: 0, taskDefinition: TD_NEW });
const weighted = (blueWeight: number, greenWeight: number): StartObservation => ({
  now: T0,
  forward: {
    targetGroups: [
      { targetGroupArn: TG_BLUE, weight: blueWeight },
      { targetGroupArn: TG_GREEN, weight: greenWeight },
    ],
  },
  sides: [blue, green],
  alarms: [],
});
const start = (obs: StartObservation, previous = undefined as Parameters<typeof startRelease>[1], td?: string) =>
  startRelease(config, previous, obs, { ...(td ? { taskDefinition: td } : {}), by: 'cli:ana' });

describe('Module: canary start', () => {
  it('makes the side with the weight stable, whichever of the two it is, and keeps its desired count', () => {
    // Act
    const blueStable = start(weighted(100, 0));
    const greenStable = start(weighted(0, 100));

    // Assess
    expect(blueStable).toMatchObject({
      release: 1,
      step: -1,
      stable: { service: 'web-blue', targetGroupArn: TG_BLUE },
      canary: { service: 'web-green', targetGroupArn: TG_GREEN },
      stableDesired: 6,
      taskDefinition: TD_NEW,
      written: { canary: 0, stable: 100, at: T0, verified: true, attempts: 0 },
      reason: `release 1: web-green gets ${TD_NEW}`,
    });
    expect(greenStable).toMatchObject({
      stable: { service: 'web-green' },
      canary: { service: 'web-blue' },
      stableDesired: 0,
      taskDefinition: TD_OLD,
      written: { canary: 0, stable: 100 },
    });
    expect(blueStable.history).toEqual([
      { at: T0, by: 'cli:ana', from: 'none', to: 'pending', step: -1, reason: blueStable.reason },
    ]);
  });

  it('gives the canary the task definition asked for, else the one its service has', () => {
    expect(
      start(weighted(100, 0), undefined, 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:50').taskDefinition,
    ).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/web:50');
  });

  it('counts releases on from the last one and carries the bounds of a side scaled in', () => {
    // Prepare
    const previous = pendingRecord({ phase: 'done', release: 4, scalableBounds: { 'web-green': { min: 2, max: 8 } } });

    // Act
    const next = start(weighted(100, 0), previous);

    // Assess
    expect(next.release).toBe(5);
    expect(next.scalableBounds).toEqual({ 'web-green': { min: 2, max: 8 } });
    expect(start(weighted(100, 0), pendingRecord({ phase: 'rolled-back' }))).not.toHaveProperty('scalableBounds');
  });

  it.each(['pending', 'ramping', 'rolling-back', 'paused'] as const)(
    'refuses to start while a release is %s',
    (phase) => {
      expect(() => start(weighted(100, 0), pendingRecord({ phase, release: 3 }))).toThrow(
        new CanaryCommandError(`canary web is ${phase} (release 3): finish, promote or abort it first`),
      );
    },
  );

  it('refuses a side whose ECS deployment strategy owns the weights, and takes ROLLING as ours', () => {
    // Prepare
    const owned = {
      ...weighted(100, 0),
      sides: [blue, { ...green, ecsStrategy: 'BLUE_GREEN' }] as StartObservation['sides'],
    };
    const rolling = {
      ...weighted(100, 0),
      sides: [blue, { ...green, ecsStrategy: 'ROLLING' }] as StartObservation['sides'],
    };

    // Act, Assess
    expect(() => start(owned)).toThrow(
      "service web-green uses ECS's own BLUE_GREEN deployment strategy: ECS owns those weights; switch it to ROLLING to use this canary",
    );
    expect(start(rolling).phase).toBe('pending');
  });

  it('refuses to start on a gate alarm in ALARM, naming every one, and starts on alarms OK or without data', () => {
    // Prepare
    const alarms = (states: string[]) => ({
      ...weighted(100, 0),
      alarms: states.map((state, i) => ({ name: `a${i}`, state })),
    });

    // Act, Assess
    expect(() => start(alarms(['ALARM', 'OK', 'ALARM']))).toThrow(
      'gate alarm(s) in ALARM: a0, a2; a canary does not start on a bad baseline',
    );
    expect(start(alarms(['OK', 'INSUFFICIENT_DATA'])).phase).toBe('pending');
  });

  it('refuses an action that does not forward to both sides, or forwards nothing', () => {
    // Prepare
    const oneSide: StartObservation = {
      ...weighted(100, 0),
      forward: { targetGroups: [{ targetGroupArn: TG_BLUE, weight: 100 }] },
    };
    const none: StartObservation = { ...weighted(100, 0), forward: undefined };

    // Act, Assess
    const message = `the forward action does not hold both target groups; add ${TG_BLUE} and ${TG_GREEN} to it (the idle one with weight 0)`;
    expect(() => start(oneSide)).toThrow(message);
    expect(() => start(none)).toThrow(message);
  });

  it('refuses to start unless exactly one side has weight', () => {
    expect(() => start(weighted(50, 50))).toThrow(
      'exactly one side must have weight to start (weights 50/50): the other becomes the canary',
    );
    expect(() => start(weighted(0, 0))).toThrow(/weights 0\/0/);
  });
});

describe('Module: canary operator commands', () => {
  it('names its refusals as command and transition errors', () => {
    expect(() => pauseRelease(undefined, 'web', T0, 'x')).toThrow(
      expect.objectContaining({ name: 'CanaryCommandError' }),
    );
    expect(() => transition(pendingRecord({ phase: 'done' }), 'ramping', { at: T0, by: 'x', reason: 'y' })).toThrow(
      expect.objectContaining({ name: 'CanaryTransitionError' }),
    );
  });

  it('names each missing gate alarm when it refuses a start', () => {
    // Prepare
    const obs = {
      ...weighted(100, 0),
      alarms: [
        { name: 'web-5xx', state: 'MISSING' },
        { name: 'web-p99', state: 'MISSING' },
      ],
    };

    // Act, Assess
    expect(() => start(obs)).toThrow(
      'gate alarm(s) not found: web-5xx, web-p99; create them or remove them from gateAlarms: a missing alarm gates nothing',
    );
  });

  it('refuses every command on a canary never started, saying how to start it', () => {
    const hint = 'canary web has not been started: run canary start web';
    expect(() => pauseRelease(undefined, 'web', T0, 'cli:ana')).toThrow(hint);
    expect(() => resumeRelease(undefined, 'web', T0, 'cli:ana')).toThrow(hint);
    expect(() => requestPromotion(undefined, 'web', false, T0, 'cli:ana')).toThrow(hint);
    expect(() => abortRelease(undefined, 'web', false, T0, 'cli:ana')).toThrow(hint);
  });

  it('pauses only a canary the promoter acts on, and names who paused it', () => {
    // Act
    const paused = pauseRelease(pendingRecord({ phase: 'rolling-back' }), 'web', T0, 'cli:ana');

    // Assess
    expect(paused).toMatchObject({ phase: 'paused', resumeTo: 'rolling-back', reason: 'paused by cli:ana' });
    expect(() => pauseRelease(pendingRecord({ phase: 'done' }), 'web', T0, 'x')).toThrow(
      'canary web is done: nothing to pause',
    );
    expect(() => pauseRelease(paused, 'web', T0, 'x')).toThrow('canary web is paused: nothing to pause');
  });

  it('resumes only a paused canary, into ramping when it does not know where it was', () => {
    // Act
    const resumed = resumeRelease(pendingRecord({ phase: 'paused' }), 'web', T0, 'cli:ana');

    // Assess
    expect(resumed).toMatchObject({
      phase: 'ramping',
      acceptObserved: true,
      reason: 'resumed by cli:ana; the weights read next are taken as current',
    });
    expect(resumed.resumeTo).toBeUndefined();
    expect(() => resumeRelease(pendingRecord({ phase: 'ramping' }), 'web', T0, 'x')).toThrow(
      'canary web is ramping, not paused',
    );
  });

  it('records a promotion request of one step in the history, without changing the phase', () => {
    // Act
    const requested = requestPromotion(pendingRecord({ phase: 'ramping', step: 2 }), 'web', false, T0, 'cli:ana');

    // Assess
    expect(requested).toMatchObject({ phase: 'ramping', step: 2, request: 'promote' });
    expect(requested.history).toEqual([
      { at: T0, by: 'cli:ana', from: 'ramping', to: 'ramping', step: 2, reason: 'promote requested' },
    ]);
  });

  it.each(['paused', 'rolling-back', 'done', 'rolled-back'] as const)(
    'refuses to promote a canary that is %s',
    (phase) => {
      expect(() => requestPromotion(pendingRecord({ phase }), 'web', true, T0, 'x')).toThrow(
        `canary web is ${phase}: only a pending or ramping canary can be promoted`,
      );
    },
  );

  it('aborts a paused canary taking the weights it reads next, and drops a pending promotion', () => {
    // Act
    const aborted = abortRelease(pendingRecord({ phase: 'paused', request: 'promote' }), 'web', false, T0, 'cli:ana');
    const fromRamping = abortRelease(pendingRecord({ phase: 'ramping', acceptObserved: false }), 'web', false, T0, 'x');

    // Assess
    expect(aborted).toMatchObject({
      phase: 'rolling-back',
      gradual: false,
      acceptObserved: true,
      reason: 'aborted by cli:ana',
    });
    expect(aborted.request).toBeUndefined();
    expect(fromRamping.acceptObserved).toBe(false);
    expect(() => abortRelease(pendingRecord({ phase: 'rolled-back' }), 'web', true, T0, 'x')).toThrow(
      'canary web is rolled-back: nothing to abort (start a new release to go back)',
    );
  });

  it('says when an abort rolls back gradually', () => {
    expect(abortRelease(pendingRecord({ phase: 'ramping' }), 'web', true, T0, 'cli:ana').reason).toBe(
      'aborted by cli:ana, gradually',
    );
  });
});
