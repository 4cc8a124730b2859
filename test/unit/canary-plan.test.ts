import { describe, expect, it } from 'vitest';
import { planCanaryTick } from '#shared/canary/plan.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { CanaryObservation } from '#shared/canary/types.js';
import {
  atWeights,
  canaryConfig,
  judge,
  minutes,
  observation,
  pendingRecord,
  ramping,
  T0,
  TG_BLUE,
  TG_GREEN,
  TG_OTHER,
} from '#test/support/canary-builders.js';

const config = canaryConfig();
const plan = (record: CanaryRecord, obs: CanaryObservation, cfg = config) =>
  planCanaryTick({ config: cfg, record, observation: obs, judge: judge(cfg) });

describe('Planner: planCanaryTick', () => {
  it('deploys the task definition and scales the canary before it writes any weight', () => {
    // Act
    const result = plan(pendingRecord(), observation());

    // Assess
    expect(result.decision).toBe('hold');
    expect(result.intents.map((i) => i.kind)).toEqual(['set-task-definition', 'set-desired-count']);
    expect(result.intents[1]).toMatchObject({ service: 'web-green', from: 0, to: 1 });
    expect(result.next).toBeUndefined();
  });

  it('waits for the needed healthy canary targets before the first weight', () => {
    // Prepare
    const obs = atWeights(0, 100, 1);
    obs.canary.healthyTargets = 0;

    // Act
    const result = plan(pendingRecord(), obs);

    // Assess
    expect(result.decision).toBe('hold');
    expect(result.intents).toEqual([]);
    expect(result.reason).toContain('waiting for 1 healthy canary targets');
  });

  it('starts at the first step once capacity is healthy, recording the write as unverified', () => {
    // Act
    const result = plan(pendingRecord(), atWeights(0, 100, 1));

    // Assess
    expect(result.decision).toBe('start');
    expect(result.intents).toHaveLength(1);
    expect(result.intents[0]).toMatchObject({ kind: 'set-weights', weights: { canary: 5, stable: 95 } });
    expect(result.next).toMatchObject({ phase: 'ramping', step: 0, written: { canary: 5, verified: false } });
    expect(result.next?.history.at(-1)).toMatchObject({ from: 'pending', to: 'ramping', by: 'promoter' });
  });

  it('scales the canary to its share of stable capacity, rounded up, before raising its weight', () => {
    // Prepare: at 10 % with 1 task; 25 % of 10 stable tasks needs 3
    const obs = atWeights(10, 90, 1, '2026-11-24T10:05:00.000Z');

    // Act
    const result = plan(ramping(1, [10, 90]), obs);

    // Assess
    expect(result.decision).toBe('hold');
    expect(result.intents).toEqual([expect.objectContaining({ kind: 'set-desired-count', from: 1, to: 3 })]);
  });

  it('promotes after the bake time when the judge passes, keeping the step record', () => {
    // Act
    const result = plan(ramping(1, [10, 90]), atWeights(10, 90, 3, '2026-11-24T10:05:00.000Z'));

    // Assess
    expect(result.decision).toBe('promote');
    expect(result.verdict?.outcome).toBe('pass');
    expect(result.next).toMatchObject({ step: 2, stepStartedAt: '2026-11-24T10:05:00.000Z' });
    expect(result.intents[0]).toMatchObject({ weights: { canary: 25, stable: 75 } });
  });

  it('holds on thin canary traffic and never promotes or fails', () => {
    // Prepare
    const obs = atWeights(10, 90, 3, '2026-11-24T10:05:00.000Z');
    obs.metrics.canary = minutes(obs.now, 5, 10, 5);

    // Act
    const result = plan(ramping(1, [10, 90]), obs);

    // Assess
    expect(result.decision).toBe('hold');
    expect(result.intents).toEqual([]);
    expect(result.verdict?.outcome).toBe('inconclusive');
  });

  it('pauses with an alert once a step has held past its bake time plus the maximum hold', () => {
    // Prepare: 2 h 5 min into a 1-minute bake with thin traffic
    const obs = atWeights(10, 90, 3, '2026-11-24T12:06:00.000Z');
    obs.metrics.canary = minutes(obs.now, 5, 1, 0);

    // Act
    const result = plan(ramping(1, [10, 90]), obs);

    // Assess
    expect(result).toMatchObject({ decision: 'pause', critical: true, intents: [] });
    expect(result.reason).toMatch(/^held 126 min without a verdict: only \d+ canary requests/);
    expect(result.next).toMatchObject({ phase: 'paused', resumeTo: 'ramping' });
  });

  it('holds outside the promotion windows', () => {
    // Prepare: Saturday in Berlin
    const cfg = canaryConfig({ windows: [{ timeZone: 'Europe/Berlin', days: ['mon', 'tue', 'wed', 'thu', 'fri'] }] });
    const obs = atWeights(10, 90, 3, '2026-11-28T10:05:00.000Z');

    // Act
    const result = plan(ramping(1, [10, 90], '2026-11-28T10:00:00.000Z'), obs, cfg);

    // Assess
    expect(result.decision).toBe('hold');
    expect(result.reason).toBe('outside the promotion windows');
    expect(result.gates.find((g) => g.gate === 'window')?.detail).toContain('2026-11-29T23:00');
  });

  it('rolls back at once on a canary 5xx rate, inside or outside a window', () => {
    // Prepare
    const cfg = canaryConfig({ windows: [{ days: ['sun'] }] });
    const obs = atWeights(25, 75, 3, '2026-11-24T10:01:00.000Z');
    obs.metrics.canary = minutes(obs.now, 5, 1000, 50);

    // Act
    const result = plan(ramping(2, [25, 75]), obs, cfg);

    // Assess
    expect(result.decision).toBe('roll-back');
    expect(result.intents).toEqual([
      expect.objectContaining({ kind: 'set-weights', weights: { canary: 0, stable: 100 } }),
    ]);
    expect(result.next?.phase).toBe('rolling-back');
    expect(result.next?.history.at(-1)?.evidence).toMatchObject({ canaryErrors: 50, canaryRequests: 1000 });
  });

  it('rolls back on a gate alarm in ALARM', () => {
    // Prepare
    const obs = atWeights(25, 75, 3);
    obs.alarms = [{ name: 'web-p99', state: 'ALARM' }];

    // Act
    const result = plan(ramping(2, [25, 75]), obs);

    // Assess
    expect(result.decision).toBe('roll-back');
    expect(result.next?.reason).toContain('web-p99');
  });

  it('names a configured gate alarm that does not exist in the alarm gate, as gating nothing', () => {
    // Prepare
    const obs = atWeights(25, 75, 3);
    obs.alarms = [
      { name: 'web-5xx', state: 'MISSING' },
      { name: 'web-p99', state: 'OK' },
    ];

    // Act
    const result = plan(ramping(2, [25, 75]), obs);

    // Assess
    expect(result.gates.find((g) => g.gate === 'alarms')?.detail).toBe(
      'none in ALARM; not found, so gating nothing: web-5xx',
    );
  });

  it('moves only the weight the stable side can carry when it lacks healthy targets', () => {
    // Prepare: 6 of 10 stable targets healthy
    const obs = atWeights(50, 50, 5);
    obs.stable.healthyTargets = 6;
    obs.alarms = [{ name: 'web-5xx', state: 'ALARM' }];

    // Act
    const result = plan(ramping(3, [50, 50]), obs);

    // Assess
    expect(result.intents).toEqual([
      expect.objectContaining({ kind: 'set-weights', weights: { canary: 40, stable: 60 } }),
    ]);
  });

  it('pauses on weights changed by someone else and writes nothing', () => {
    // Act
    const result = plan(ramping(1, [10, 90]), atWeights(30, 70, 3, '2026-11-24T10:05:00.000Z'));

    // Assess
    expect(result.decision).toBe('pause');
    expect(result.critical).toBe(true);
    expect(result.intents).toEqual([]);
    expect(result.next).toMatchObject({ phase: 'paused', resumeTo: 'ramping' });
  });

  it('writes unverified weights again, then pauses once the attempts are spent', () => {
    // Prepare
    const record = {
      ...ramping(1, [10, 90]),
      written: { canary: 10, stable: 90, at: T0, verified: false, attempts: 1 },
    };
    const obs = atWeights(5, 95, 3);

    // Act
    const retry = plan(record, obs);
    const spent = plan({ ...record, written: { ...record.written, attempts: 3 } }, obs);

    // Assess
    expect(retry.intents).toEqual([
      expect.objectContaining({ kind: 'set-weights', weights: { canary: 10, stable: 90 } }),
    ]);
    expect(retry.next?.written?.attempts).toBe(2);
    expect(spent.decision).toBe('pause');
    expect(spent.intents).toEqual([]);
  });

  it('preserves a third target group and the stickiness in the weights it writes', () => {
    // Prepare
    const obs = atWeights(0, 100, 1);
    obs.forward = {
      targetGroups: [
        { targetGroupArn: TG_OTHER, weight: 50 },
        { targetGroupArn: TG_BLUE, weight: 200 },
        { targetGroupArn: TG_GREEN, weight: 0 },
      ],
      stickiness: { enabled: true, durationSeconds: 3600 },
    };

    // Act
    const result = plan(
      pendingRecord({ written: { canary: 0, stable: 200, at: T0, verified: true, attempts: 0 } }),
      obs,
    );

    // Assess
    expect(result.intents[0]).toMatchObject({
      kind: 'set-weights',
      after: [
        { targetGroupArn: TG_OTHER, weight: 50 },
        { targetGroupArn: TG_BLUE, weight: 190 },
        { targetGroupArn: TG_GREEN, weight: 10 },
      ],
    });
  });

  it('refuses a service that uses an ECS deployment strategy', () => {
    // Prepare
    const obs = atWeights(0, 100, 1);
    obs.canary.ecsStrategy = 'LINEAR';

    // Act
    const result = plan(pendingRecord(), obs);

    // Assess
    expect(result.decision).toBe('pause');
    expect(result.reason).toContain('ECS owns its weights');
  });
});
