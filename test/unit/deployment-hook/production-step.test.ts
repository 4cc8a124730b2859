import { describe, expect, it } from 'vitest';
import { planStage } from '#shared/canary/hook/plan.js';
import type { CanaryJudge, JudgeVerdict } from '#shared/canary/judge.js';
import { minuteAt } from '../canary-judges/minutes.js';
import {
  BLUE,
  carriedFrom,
  GREEN,
  judge,
  observed,
  PROD_RULE,
  rule,
  TG_BLUE,
  TG_GREEN,
  tenPercentStep,
} from './observed.js';

describe('Deployment hook planner: a production step judged', () => {
  it('succeeds a production step whose green is healthy with enough traffic', () => {
    // Act
    const decision = planStage(tenPercentStep({ requests: 100, errors: 1 }), judge);

    // Assess
    expect(decision.hookStatus).toBe('SUCCEEDED');
    expect(decision.carried).toMatchObject({ greenTargetGroupArn: TG_GREEN, judgements: 4, lastVerdict: 'pass' });
  });

  it('fails a production step whose green has three times the 5xx rate, with the evidence', () => {
    // Act
    const decision = planStage(tenPercentStep({ requests: 100, errors: 3 }), judge);

    // Assess
    expect(decision.hookStatus).toBe('FAILED');
    expect(decision.reason).toMatch(/^green is worse than blue: canary 5xx 60\/2000/);
    expect(decision.evidence).toMatchObject({ canaryErrors: 60, canaryRequests: 2000, stableErrors: 180 });
  });

  it('holds a thin production step with a callback delay and carries when it began', () => {
    // Act
    const decision = planStage(tenPercentStep({ requests: 5, errors: 0 }, 10), judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'IN_PROGRESS', callBackDelay: 60 });
    expect(decision.reason).toContain('too little traffic');
    expect(decision.carried).toMatchObject({ startedAt: minuteAt(0), greenWeight: 10, lastVerdict: 'inconclusive' });
  });

  it('fails a thin production step after the longest hold, saying why', () => {
    // Act
    const decision = planStage(tenPercentStep({ requests: 3, errors: 0 }, 61), judge);

    // Assess
    expect(decision.hookStatus).toBe('FAILED');
    expect(decision.reason).toMatch(
      /^still inconclusive after 61 minutes at 10 % \(longest hold 60\): too little traffic/,
    );
  });

  it('never succeeds a production step on inconclusive evidence, however long it is held', () => {
    // Prepare
    const undecided: CanaryJudge = {
      name: 'undecided',
      judge: (): JudgeVerdict => ({ outcome: 'inconclusive', reason: 'not enough evidence', evidence: {} }),
    };

    // Act
    const statuses = new Set(
      [0, 1, 5, 30, 59, 60, 61, 120, 1440].map(
        (m) => planStage(tenPercentStep({ requests: 100, errors: 1 }, m), undecided).hookStatus,
      ),
    );

    // Assess
    expect(statuses).toEqual(new Set(['IN_PROGRESS', 'FAILED']));
  });

  it('starts the judged period at the first call of an execution', () => {
    // Prepare
    const o = tenPercentStep({ requests: 100, errors: 1 });
    delete o.carried;
    o.minutes = { green: [], blue: [] };

    // Act
    const decision = planStage(o, judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'IN_PROGRESS', carried: { startedAt: o.now, judgements: 1 } });
  });

  it('succeeds a production step that gives green everything: no blue traffic is left to compare', () => {
    // Act
    const decision = planStage(observed('production-traffic-shift', { revisionTargetGroupArn: TG_GREEN }), judge);

    // Assess
    expect(decision).toMatchObject({ hookStatus: 'SUCCEEDED', reason: expect.stringContaining('all production') });
  });

  it('tells green by the rule weights when ECS does not say, and holds on an even split', () => {
    // Prepare
    const even = tenPercentStep({ requests: 100, errors: 1 });
    delete even.revisionTargetGroupArn;
    even.productionWeights = { [GREEN]: 50, [BLUE]: 50 };
    even.productionRule = rule(PROD_RULE, [
      [TG_BLUE, 50],
      [TG_GREEN, 50],
    ]);
    const byWeight = tenPercentStep({ requests: 100, errors: 1 });
    delete byWeight.revisionTargetGroupArn;

    // Act
    const held = planStage(even, judge);
    const judged = planStage(byWeight, judge);

    // Assess
    expect(held).toMatchObject({ hookStatus: 'IN_PROGRESS', reason: expect.stringContaining('cannot tell') });
    expect(judged).toMatchObject({ hookStatus: 'SUCCEEDED', carried: { greenTargetGroupArn: TG_GREEN } });
  });

  it('starts the hold anew when green moves to the next step, still judging from the first call of the stage', () => {
    // Prepare: the 5 % step began at minute 0; at minute 61 ECS reports the 10 % step.
    const o = tenPercentStep({ requests: 3, errors: 0 }, 61);
    o.carried = carriedFrom(minuteAt(0), { judgements: 40, greenWeight: 5, stepStartedAt: minuteAt(0) });

    // Act
    const decision = planStage(o, judge);

    // Assess
    expect(decision).toMatchObject({
      hookStatus: 'IN_PROGRESS',
      carried: { startedAt: minuteAt(0), stepStartedAt: minuteAt(61), greenWeight: 10 },
    });
  });
});
