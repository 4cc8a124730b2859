import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tasksForPercent } from '#shared/canary/capacity.js';
import { executorActions } from '#shared/canary/intents.js';
import { planCanaryTick } from '#shared/canary/plan.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { CanaryObservation, CanaryTickPlan } from '#shared/canary/types.js';
import type { CanaryConfig } from '#shared/config/canary.js';
import type { Action } from '#shared/executor/actions.js';
import { guard } from '#shared/executor/guardrails.js';
import { canaryPercent, type PairWeights, type WeightedTargetGroup } from '#shared/targets/forward.js';
import {
  applyPlan,
  canaryConfig,
  judge,
  minutes,
  observation,
  pendingRecord,
  side,
  T0,
  TD_NEW,
  TG_BLUE,
  TG_GREEN,
  TG_OTHER,
} from '#test/support/canary-builders.js';
import { fuzzRuns, fuzzTimeout } from '#test/support/fuzz-runs.js';

const arnOf = (i: number) => `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/other${i}/${i}`;

interface World {
  weights: PairWeights;
  /** Other target groups of the forward action, before the two sides. */
  others?: WeightedTargetGroup[];
  stableFull: number;
  stableHealthy?: number;
  canaryTasks: number;
}

function worldOf(w: World): CanaryObservation {
  return observation({
    forward: {
      targetGroups: [
        ...(w.others ?? []).map((tg) => ({ ...tg })),
        { targetGroupArn: TG_BLUE, weight: w.weights.stable },
        { targetGroupArn: TG_GREEN, weight: w.weights.canary },
      ],
    },
    stable: side({
      desiredCount: w.stableFull,
      runningCount: w.stableFull,
      healthyTargets: w.stableHealthy ?? w.stableFull,
      registeredTargets: w.stableFull,
    }),
    canary: side({
      service: 'web-green',
      targetGroupArn: TG_GREEN,
      taskDefinition: TD_NEW,
      desiredCount: w.canaryTasks,
      runningCount: w.canaryTasks,
      healthyTargets: w.canaryTasks,
      registeredTargets: w.canaryTasks,
    }),
  });
}

/** A rollback under way in `w`, its weights read back. */
function rollingBack(w: World, gradual: boolean): { record: CanaryRecord; obs: CanaryObservation } {
  const written = { ...w.weights, at: T0, verified: true, attempts: 1 };
  const record = pendingRecord({ phase: 'rolling-back', step: 1, gradual, stableDesired: w.stableFull, written });
  return { record, obs: worldOf(w) };
}

interface Run {
  record: CanaryRecord;
  obs: CanaryObservation;
  plans: CanaryTickPlan[];
  /** Every weight write, in order. */
  writes: PairWeights[];
  /** Why the executor's guard refused a write, for each it refused. */
  refused: string[];
}

/**
 * Ticks a minute apart, each plan's writes judged by the executor's guard on the plan's own basis and then applied as
 * AWS would, until the canary is rolled back or done and scaled in, or `limit` ticks.
 */
function drive(
  config: CanaryConfig,
  start: { record: CanaryRecord; obs: CanaryObservation },
  limit: number,
  tweak: (obs: CanaryObservation, tick: number) => void = () => {},
): Run {
  let { record, obs } = start;
  const run: Run = { record, obs, plans: [], writes: [], refused: [] };
  for (let tick = 0; tick < limit; tick += 1) {
    tweak(obs, tick);
    const plan = planCanaryTick({ config, record, observation: obs, judge: judge(config) });
    run.plans.push(plan);
    for (const intent of plan.intents) {
      if (intent.kind !== 'set-weights') continue;
      run.writes.push(intent.weights);
      const [action] = executorActions(config, record, obs, [intent]);
      const verdict = guard(action as Action);
      if (!verdict.allowed) run.refused.push(`${verdict.rule}: ${verdict.why}`);
    }
    ({ record, obs } = applyPlan(config, record, obs, plan));
    if (record.phase === 'rolled-back' || (record.phase === 'done' && record.idleScaledDown)) break;
    const now = new Date(Date.parse(obs.now) + 60_000).toISOString();
    obs = { ...obs, now, metrics: { canary: minutes(now, 5, 1000, 0), stable: minutes(now, 5, 9000, 0) } };
  }
  return { ...run, record, obs };
}

const third = [{ targetGroupArn: TG_OTHER, weight: 50 }];

describe('Canary rounding: a gradual rollback on a pair total other than 100', () => {
  it('reaches 0 when a third target group holds half the weight and the 5 % step rounds to 6 %', () => {
    // Prepare: 3/47 is the 5 % step's weights on a pair total of 50
    const config = canaryConfig();
    const start = rollingBack(
      { weights: { canary: 3, stable: 47 }, others: third, stableFull: 10, canaryTasks: 1 },
      true,
    );

    // Act
    const run = drive(config, start, 10);

    // Assess
    expect(run.writes).toEqual([{ canary: 0, stable: 50 }]);
    expect(run.record.phase).toBe('rolled-back');
  });

  it('lowers the canary share with every step from half the weight, skipping a step whose weights would not', () => {
    // Prepare
    const config = canaryConfig();
    const weights = { canary: 25, stable: 25 };
    const start = rollingBack({ weights, others: third, stableFull: 10, canaryTasks: 5 }, true);

    // Act
    const run = drive(config, start, 10);

    // Assess: 25 % of 50 rounds to 13 (26 %), 10 % to 5, 5 % to 3 (6 %)
    expect(run.writes.map((w) => `${w.canary}/${w.stable}`)).toEqual(['13/37', '5/45', '3/47', '0/50']);
    expect(run.record.phase).toBe('rolled-back');
  });

  it('does not stick at the first step on a 999 total', () => {
    // Prepare: 500/499 is the 50 % step of a rule that gave its stable side 999
    const config = canaryConfig();
    const weights = { canary: 500, stable: 499 };
    const start = rollingBack({ weights, stableFull: 10, canaryTasks: 5 }, true);

    // Act
    const run = drive(config, start, 10);

    // Assess
    expect(run.writes.map((w) => `${w.canary}/${w.stable}`)).toEqual(['250/749', '100/899', '50/949', '0/999']);
    expect(run.record.phase).toBe('rolled-back');
  });
});

describe('Canary rounding: a rollback limited by the stable side’s healthy targets', () => {
  it('never gives the stable side more weight than its healthy targets carry on a 999 total', () => {
    // Prepare: 1 of 4 stable targets healthy carries 25 %; 749/250 would give the stable side 25.03 %, needing 2
    const config = canaryConfig({ steps: [10, 50, 90, 100] });
    const weights = { canary: 899, stable: 100 };
    const start = rollingBack({ weights, stableFull: 4, stableHealthy: 1, canaryTasks: 4 }, false);

    // Act: the fourth stable target turns healthy on the third tick
    const run = drive(config, start, 6, (o, tick) => {
      if (tick === 2) o.stable.healthyTargets = 4;
    });

    // Assess
    expect(run.refused).toEqual([]);
    expect(run.writes.map((w) => `${w.canary}/${w.stable}`)).toEqual(['750/249', '0/999']);
    expect(run.record.phase).toBe('rolled-back');
  });
});

describe('Canary rounding: a promotion on a pair total other than 100', () => {
  it('scales the canary for the share its rounded weights give, so the release does not stall', () => {
    // Prepare: 100 stable tasks, a third target group holding 50; 5 % of 50 rounds to 3 (6 %), which needs 6 tasks
    const config = canaryConfig();
    const obs = worldOf({ weights: { canary: 0, stable: 50 }, others: third, stableFull: 100, canaryTasks: 0 });
    const record = pendingRecord({
      stableDesired: 100,
      written: { canary: 0, stable: 50, at: T0, verified: true, attempts: 0 },
    });

    // Act
    const run = drive(config, { record, obs }, 40);

    // Assess
    expect(run.plans[0]?.intents).toContainEqual(
      expect.objectContaining({
        why: 'capacity before weight: 5 % (6 % by weights 3/47) of 100 stable tasks needs 6 canary tasks',
      }),
    );
    expect(run.writes.map((w) => w.canary)).toEqual([3, 5, 13, 25, 50]);
    expect(run.refused).toEqual([]);
    expect(run.plans.some((p) => p.reason.startsWith('not moving weight'))).toBe(false);
    expect(run.record).toMatchObject({ phase: 'done', idleScaledDown: true });
  });
});

/** A forward action's other target groups and a pair total of 1–999 drawn at random, the canary at some weight. */
const action = fc
  .record({
    total: fc.integer({ min: 1, max: 999 }),
    others: fc.array(fc.integer({ min: 0, max: 999 }), { maxLength: 3 }),
    canaryPart: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ total, others, canaryPart }) => {
    const canary = Math.max(1, Math.round(total * canaryPart));
    return {
      weights: { canary, stable: total - canary },
      others: others.map((weight, i) => ({ targetGroupArn: arnOf(i), weight })),
    };
  });

const steps = fc
  .uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 6 })
  .map((s) => [...s.sort((a, b) => a - b), 100]);

describe('Property: rounding of rollbacks and promotions', () => {
  it(
    'rolls back to 0 within a move per step and one more, every write passing the executor’s guard',
    () => {
      fc.assert(
        fc.property(action, steps, fc.integer({ min: 1, max: 20 }), fc.boolean(), (a, s, full, gradual) => {
          const config = canaryConfig({ steps: s });
          // The canary has the healthy targets for the share it carries now.
          const canaryTasks = tasksForPercent(full, canaryPercent(a.weights), config.minCanaryTasks);
          const run = drive(config, rollingBack({ ...a, stableFull: full, canaryTasks }, gradual), s.length + 3);
          expect(run.refused).toEqual([]);
          expect(run.record.phase).toBe('rolled-back');
          expect(run.writes.length).toBeLessThanOrEqual(s.length + 1);
        }),
        { numRuns: fuzzRuns(300) },
      );
    },
    fuzzTimeout(300, 20_000),
  );

  it(
    'lowers the canary share with every write while the stable side’s targets turn healthy one a tick',
    () => {
      fc.assert(
        fc.property(
          action,
          steps,
          fc.integer({ min: 1, max: 20 }),
          fc.nat(20),
          fc.boolean(),
          (a, s, full, h, gradual) => {
            const config = canaryConfig({ steps: s });
            const canaryTasks = tasksForPercent(full, canaryPercent(a.weights), config.minCanaryTasks);
            const start = rollingBack(
              { ...a, stableFull: full, stableHealthy: Math.min(h, full), canaryTasks },
              gradual,
            );
            const run = drive(config, start, full + s.length + 3, (o) => {
              if (o.stable.healthyTargets < full) o.stable.healthyTargets += 1;
            });
            expect(run.refused).toEqual([]);
            expect(run.record.phase).toBe('rolled-back');
            const shares = [a.weights, ...run.writes].map(canaryPercent);
            for (let i = 1; i < shares.length; i += 1) expect(shares[i]).toBeLessThan(shares[i - 1] as number);
          },
        ),
        { numRuns: fuzzRuns(300) },
      );
    },
    fuzzTimeout(300, 20_000),
  );

  it(
    'promotes to 100 % on any pair total, every write passing the executor’s guard',
    () => {
      const config = canaryConfig();
      fc.assert(
        fc.property(action, fc.integer({ min: 1, max: 20 }), (a, full) => {
          const weights = { canary: 0, stable: a.weights.canary + a.weights.stable };
          const obs = worldOf({ weights, others: a.others, stableFull: full, canaryTasks: 0 });
          const record = pendingRecord({
            stableDesired: full,
            written: { ...weights, at: T0, verified: true, attempts: 0 },
          });
          const run = drive(config, { record, obs }, 40);
          expect(run.refused).toEqual([]);
          expect(run.record).toMatchObject({ phase: 'done', idleScaledDown: true });
        }),
        { numRuns: fuzzRuns(100) },
      );
    },
    fuzzTimeout(100, 20_000),
  );
});
