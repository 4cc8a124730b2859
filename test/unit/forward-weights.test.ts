import type { Action as ElbAction } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import {
  canaryPercent,
  forwardSnapshotOf,
  pairTotal,
  pairWeights,
  rewriteForwardWeights,
  splitPairWithin,
  weightProblem,
} from '#shared/targets/forward.js';

const tg = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${name}/0123456789abcdef`;
const [BLUE, GREEN, MIRROR, LEGACY] = [tg('blue'), tg('green'), tg('mirror'), tg('legacy')];
const weighted = (...weights: number[]) => weights.map((weight, i) => ({ targetGroupArn: tg(`tg-${i}`), weight }));

describe('Targets: weightProblem', () => {
  it('refuses a forward action without a target group', () => {
    // Act & Assess
    expect(weightProblem([])).toBe('a forward action needs at least one target group');
  });

  it("takes up to ALB's five target groups and refuses a sixth", () => {
    // Act & Assess
    expect(weightProblem(weighted(1, 1, 1, 1, 1))).toBeUndefined();
    expect(weightProblem(weighted(1, 1, 1, 1, 1, 1))).toMatch(/^6 target groups; a forward action takes at most 5$/);
  });

  it('takes weights from 0 up to 999 and refuses 1000', () => {
    // Act & Assess
    expect(weightProblem(weighted(0, 999))).toBeUndefined();
    expect(weightProblem(weighted(0, 1000))).toBe(`weight 1000 of ${tg('tg-1')} is not an integer from 0 to 999`);
  });
});

describe('Targets: pairWeights', () => {
  it("reads both sides' weights and adds up what the other target groups carry", () => {
    // Prepare
    const snapshot = {
      targetGroups: [
        { targetGroupArn: MIRROR, weight: 30 },
        { targetGroupArn: GREEN, weight: 10 },
        { targetGroupArn: LEGACY, weight: 20 },
        { targetGroupArn: BLUE, weight: 90 },
      ],
    };

    // Act
    const pair = pairWeights(snapshot, GREEN, BLUE);

    // Assess
    expect(pair).toEqual({ canary: 10, stable: 90, others: 50 });
  });

  it('finds no pair when either side is missing from the forward action', () => {
    // Prepare
    const onlyStable = { targetGroups: [{ targetGroupArn: BLUE, weight: 100 }] };
    const onlyCanary = { targetGroups: [{ targetGroupArn: GREEN, weight: 100 }] };

    // Act & Assess
    expect(pairWeights(onlyStable, GREEN, BLUE)).toBeUndefined();
    expect(pairWeights(onlyCanary, GREEN, BLUE)).toBeUndefined();
  });
});

describe('Targets: pairTotal', () => {
  it('raises a small total to 100 only when no other target group carries weight', () => {
    // Act & Assess
    expect(pairTotal({ canary: 10, stable: 40, others: 0 })).toBe(100);
    expect(pairTotal({ canary: 10, stable: 40, others: 5 })).toBe(50);
  });

  it('keeps a total from 100 up as observed, and lowers one above 999 to 999', () => {
    // Act & Assess
    expect(pairTotal({ canary: 0, stable: 300, others: 0 })).toBe(300);
    expect(pairTotal({ canary: 600, stable: 600, others: 0 })).toBe(999);
  });
});

describe('Targets: canaryPercent', () => {
  it("gives the canary's share of the pair, and 0 when neither side has weight", () => {
    // Act & Assess
    expect(canaryPercent({ canary: 25, stable: 75 })).toBe(25);
    expect(canaryPercent({ canary: 0, stable: 0 })).toBe(0);
  });
});

describe('Targets: splitPairWithin', () => {
  it('splits as splitPair does while the stable side may take its whole share', () => {
    // Act & Assess
    expect(splitPairWithin(100, 25, 100)).toEqual({ canary: 25, stable: 75 });
    expect(splitPairWithin(50, 5, 95)).toEqual({ canary: 3, stable: 47 });
  });

  it("rounds the stable side's weight down to the share it may take, the rest to the canary", () => {
    // Act & Assess: 25 % of 999 is 249.75
    expect(splitPairWithin(999, 0, 25)).toEqual({ canary: 750, stable: 249 });
    expect(splitPairWithin(100, 0, 60)).toEqual({ canary: 40, stable: 60 });
    expect(splitPairWithin(1, 0, 50)).toEqual({ canary: 1, stable: 0 });
  });
});

describe('Targets: forwardSnapshotOf', () => {
  it('reads a forward to a single target group, named outside ForwardConfig, as that group at weight 1', () => {
    // Prepare
    const actions: ElbAction[] = [{ Type: 'forward', TargetGroupArn: BLUE }];

    // Act & Assess
    expect(forwardSnapshotOf(actions)).toEqual({ targetGroups: [{ targetGroupArn: BLUE, weight: 1 }] });
  });

  it('reads the single target group beside a ForwardConfig that carries only stickiness', () => {
    // Prepare
    const actions: ElbAction[] = [
      { Type: 'forward', TargetGroupArn: BLUE, ForwardConfig: { TargetGroupStickinessConfig: { Enabled: false } } },
    ];

    // Act & Assess
    expect(forwardSnapshotOf(actions)).toEqual({
      targetGroups: [{ targetGroupArn: BLUE, weight: 1 }],
      stickiness: { enabled: false, durationSeconds: undefined },
    });
  });

  it('finds nothing to weight in a forward that names no target group', () => {
    // Act & Assess
    expect(forwardSnapshotOf([{ Type: 'forward' }])).toEqual({ targetGroups: [] });
    expect(forwardSnapshotOf([{ Type: 'fixed-response' }])).toBeUndefined();
  });
});

describe('Targets: rewriteForwardWeights', () => {
  it('turns a forward to a single target group into a weighted ForwardConfig, the group named once', () => {
    // Prepare
    const actions: ElbAction[] = [{ Type: 'forward', Order: 1, TargetGroupArn: BLUE }];

    // Act
    const rewritten = rewriteForwardWeights(actions, { [BLUE]: 100 });

    // Assess
    expect(rewritten).toEqual([
      { Type: 'forward', Order: 1, ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 100 }] } },
    ]);
  });
});
