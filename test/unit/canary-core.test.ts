import { describe, expect, it } from 'vitest';
import { percentCarriedBy, tasksForPercent } from '#shared/canary/capacity.js';
import {
  abortRelease,
  CanaryCommandError,
  pauseRelease,
  requestPromotion,
  resumeRelease,
  startRelease,
} from '#shared/canary/commands.js';
import { judgeFor } from '#shared/canary/judges/for-config.js';
import { CanaryTransitionError, transition } from '#shared/canary/status.js';
import { insideWindow, nextPromotionTime } from '#shared/canary/window.js';
import { PromotionWindowSchema } from '#shared/config/canary.js';
import { config as autopilotConfig } from '#test/support/builders.js';
import {
  canaryConfig,
  minutes,
  observation,
  pendingRecord,
  RULE,
  T0,
  TD_NEW,
  TG_BLUE,
  TG_GREEN,
} from '#test/support/canary-builders.js';

const berlinWeekdays = PromotionWindowSchema.parse({ timeZone: 'Europe/Berlin', start: '09:00', end: '16:00' });

describe('Module: canary windows', () => {
  it('opens on weekdays 09:00–16:00 Berlin time and closes outside', () => {
    expect(insideWindow(berlinWeekdays, '2026-11-24T08:00:00Z')).toBe(true); // Tue 09:00 CET
    expect(insideWindow(berlinWeekdays, '2026-11-24T07:59:00Z')).toBe(false);
    expect(insideWindow(berlinWeekdays, '2026-11-24T15:00:00Z')).toBe(false); // 16:00 CET, end exclusive
    expect(insideWindow(berlinWeekdays, '2026-11-28T10:00:00Z')).toBe(false); // Saturday
  });

  it('crosses midnight into the next day when the end is before the start', () => {
    const night = PromotionWindowSchema.parse({ days: ['fri'], start: '22:00', end: '02:00' });
    expect(insideWindow(night, '2026-11-27T23:00:00Z')).toBe(true);
    expect(insideWindow(night, '2026-11-28T01:00:00Z')).toBe(true);
    expect(insideWindow(night, '2026-11-28T23:00:00Z')).toBe(false);
  });

  it('finds the next opening after a weekend', () => {
    expect(nextPromotionTime([berlinWeekdays], '2026-11-28T10:00:00Z')).toBe('2026-11-30T08:00:00.000Z');
  });

  it("follows the zone's daylight saving time: 09:00 Berlin is 07:00 UTC in summer, 08:00 in winter", () => {
    expect(insideWindow(berlinWeekdays, '2026-03-27T07:00:00Z')).toBe(false); // Fri 08:00 CET
    expect(insideWindow(berlinWeekdays, '2026-03-30T07:00:00Z')).toBe(true); // Mon 09:00 CEST
    expect(nextPromotionTime([berlinWeekdays], '2026-03-28T12:00:00Z')).toBe('2026-03-30T07:00:00.000Z');
    expect(nextPromotionTime([berlinWeekdays], '2026-10-24T12:00:00Z')).toBe('2026-10-26T08:00:00.000Z');
  });

  it('rejects a time zone that is not in the IANA database', () => {
    expect(PromotionWindowSchema.safeParse({ timeZone: 'Mars/Olympus_Mons' }).success).toBe(false);
    expect(PromotionWindowSchema.safeParse({ timeZone: 'America/St_Johns' }).success).toBe(true);
  });
});

describe('Module: canary capacity', () => {
  it("rounds the canary's share of stable tasks up and keeps the minimum while it has traffic", () => {
    expect(tasksForPercent(10, 5, 1)).toBe(1);
    expect(tasksForPercent(10, 25, 1)).toBe(3);
    expect(tasksForPercent(10, 100, 1)).toBe(10);
    expect(tasksForPercent(10, 5, 2)).toBe(2);
    expect(tasksForPercent(10, 0, 2)).toBe(0);
    expect(percentCarriedBy(6, 10)).toBe(60);
  });
});

describe('Module: ThresholdJudge', () => {
  const judge = judgeFor(canaryConfig().judge);
  const input = (canaryErrors: number, canaryRequests = 200, latency = 0.1) => ({
    canary: minutes(T0, 5, canaryRequests, canaryErrors, latency),
    stable: minutes(T0, 5, 2000, 2, 0.1),
    stepStartedAt: '2026-11-24T09:50:00.000Z',
    now: T0,
  });

  it('is inconclusive on thin traffic even with errors', () => {
    expect(judge.judge(input(5, 10)).outcome).toBe('inconclusive');
  });

  it('fails a canary whose 5xx rate passes the limit, with the numbers', () => {
    const verdict = judge.judge(input(10));
    expect(verdict).toMatchObject({ outcome: 'fail', evidence: { canaryRequests: 1000, canaryErrors: 50 } });
  });

  it('fails a canary slower than the latency ratio allows', () => {
    expect(judge.judge(input(0, 200, 0.2)).reason).toContain('2.00×');
  });

  it('passes a canary like stable', () => {
    expect(judge.judge(input(0)).outcome).toBe('pass');
  });

  it('looks only at the current step', () => {
    expect(judge.judge({ ...input(10), stepStartedAt: T0 }).evidence.canaryRequests).toBe(0);
  });
});

describe('Module: canary status and commands', () => {
  const cfg = canaryConfig();
  const start = (alarms = [] as { name: string; state: string }[]) => {
    const obs = observation();
    return startRelease(
      cfg,
      undefined,
      { now: T0, forward: obs.forward, sides: [obs.stable, obs.canary], alarms },
      {
        taskDefinition: TD_NEW,
        by: 'cli:ana',
      },
    );
  };

  it('starts a release with the weighted side as stable and the idle side as canary', () => {
    expect(start()).toMatchObject({
      phase: 'pending',
      stable: { targetGroupArn: TG_BLUE },
      canary: { targetGroupArn: TG_GREEN },
      written: { canary: 0, stable: 100, verified: true },
      history: [{ by: 'cli:ana', to: 'pending' }],
    });
  });

  it('refuses to start while a gate alarm is in ALARM', () => {
    expect(() => start([{ name: 'web-5xx', state: 'ALARM' }])).toThrow(CanaryCommandError);
  });

  it('refuses to start when a gate alarm does not exist, naming it', () => {
    expect(() =>
      start([
        { name: 'web-5xx', state: 'OK' },
        { name: 'web-latency', state: 'MISSING' },
      ]),
    ).toThrow(/^gate alarm\(s\) not found: web-latency; create them or remove them from gateAlarms/);
  });

  it('refuses to start a second release while one runs', () => {
    const obs = observation();
    expect(() =>
      startRelease(
        cfg,
        pendingRecord({ phase: 'ramping' }),
        { now: T0, forward: obs.forward, sides: [obs.stable, obs.canary], alarms: [] },
        { by: 'x' },
      ),
    ).toThrow(/finish, promote or abort/);
  });

  it('pauses, resumes into the phase it left and adopts the weights it reads next', () => {
    const paused = pauseRelease(pendingRecord({ phase: 'ramping', step: 1 }), 'web', T0, 'cli:ana');
    const resumed = resumeRelease(paused, 'web', T0, 'cli:ana');
    expect(paused).toMatchObject({ phase: 'paused', resumeTo: 'ramping' });
    expect(resumed).toMatchObject({ phase: 'ramping', acceptObserved: true });
    expect(resumed.history.map((h) => h.to)).toEqual(['paused', 'ramping']);
  });

  it('records promote and abort requests for the next tick', () => {
    expect(requestPromotion(pendingRecord(), 'web', true, T0, 'cli:ana').request).toBe('promote-full');
    expect(abortRelease(pendingRecord({ phase: 'ramping' }), 'web', true, T0, 'cli:ana')).toMatchObject({
      phase: 'rolling-back',
      gradual: true,
    });
    expect(() => abortRelease(pendingRecord({ phase: 'done' }), 'web', false, T0, 'cli:ana')).toThrow(
      /nothing to abort/,
    );
  });

  it('refuses a transition the status machine does not allow', () => {
    expect(() => transition(pendingRecord({ phase: 'done' }), 'ramping', { at: T0, by: 'x', reason: 'y' })).toThrow(
      CanaryTransitionError,
    );
  });
});

describe('Module: canary config', () => {
  it('reads a canary from the config with its defaults', () => {
    const parsed = autopilotConfig({
      canaries: [
        {
          name: 'web',
          cluster: 'prod',
          ruleArn: RULE,
          sides: [
            { service: 'web-blue', targetGroupArn: TG_BLUE },
            { service: 'web-green', targetGroupArn: TG_GREEN },
          ],
        },
      ],
    });
    expect(parsed.canaries[0]).toMatchObject({ steps: [5, 10, 25, 50, 100], bakeMinutes: 10, minCanaryTasks: 1 });
  });

  it('rejects steps that do not end at 100 and a canary with both a listener and a rule', () => {
    expect(() => canaryConfig({ steps: [5, 50] })).toThrow(/last step must be 100/);
    expect(() =>
      canaryConfig({ listenerArn: RULE.replace('listener-rule', 'listener').split('/').slice(0, 4).join('/') }),
    ).toThrow(/exactly one of listenerArn and ruleArn/);
  });
});

describe('Module: canary metrics dimensions', () => {
  it('derives the LoadBalancer dimension from a rule or a listener ARN', async () => {
    // Prepare
    const { loadBalancerDimensionOfAction } = await import('#shared/canary/metrics.js');

    // Act
    const fromRule = loadBalancerDimensionOfAction(RULE);
    const fromListener = loadBalancerDimensionOfAction(
      RULE.replace('listener-rule/', 'listener/').replace(/\/[^/]+$/, ''),
    );

    // Assess
    expect(fromRule).toBe('app/web/50dc6c495c0c9188');
    expect(fromListener).toBe('app/web/50dc6c495c0c9188');
  });
});
