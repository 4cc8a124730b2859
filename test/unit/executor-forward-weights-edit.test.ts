import { DescribeRulesCommand, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SetForwardWeightsAction } from '#shared/executor/actions.js';
import { readBackPauseMs, setForwardWeights } from '#shared/executor/forward-kinds.js';
import { RULE, TG_BLUE, TG_GREEN } from '#test/support/canary-builders.js';
import { elbv2, elbv2Mock, resetKindMocks, subject } from '#test/support/executor-kinds.js';

/** The rule's forward to blue and green at these weights. */
const rule = (blue: number, green: number) => ({
  Rules: [
    {
      Actions: [
        {
          Type: 'forward' as const,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: TG_BLUE, Weight: blue },
              { TargetGroupArn: TG_GREEN, Weight: green },
            ],
          },
        },
      ],
    },
  ],
});

/** 100/0 (blue/green) read before the write, 90/10 written. */
const step: SetForwardWeightsAction = {
  kind: 'set-forward-weights',
  subject,
  actionArn: RULE,
  weights: { [TG_BLUE]: 90, [TG_GREEN]: 10 },
  expected: {
    targetGroups: [
      { targetGroupArn: TG_BLUE, weight: 100 },
      { targetGroupArn: TG_GREEN, weight: 0 },
    ],
  },
  basis: [],
  attempts: 3,
  why: 'step 1',
};

describe('Executor kinds: set-forward-weights, a read-back that finds someone else’s weights', () => {
  const pause = readBackPauseMs.value;
  beforeEach(() => {
    resetKindMocks();
    readBackPauseMs.value = 0;
  });
  afterEach(() => {
    readBackPauseMs.value = pause;
  });

  it('fails without writing over weights someone set between its write and its read-back', async () => {
    // Prepare: the write did not show yet; then someone set 80/20 by hand
    elbv2Mock.on(DescribeRulesCommand).resolvesOnce(rule(100, 0)).resolves(rule(80, 20));
    elbv2Mock.on(ModifyRuleCommand).resolves({});

    // Act
    const verified = await setForwardWeights.verify(step, { elbv2 }, 'read-back', { changed: true, evidence: '' });

    // Assess: the first read shows the write not landed yet and writes again; the second finds a third party's
    expect(verified).toEqual({
      ok: false,
      evidence:
        'read back web-blue=80, web-green=20, neither the web-blue=90, web-green=10 written nor the web-blue=100, web-green=0 it replaced: changed by someone else, not written again',
    });
    expect(elbv2Mock.commandCalls(ModifyRuleCommand)).toHaveLength(1);
  });
});
