import { DescribeRulesCommand, type Action as ElbAction } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SetForwardWeightsAction } from '#shared/executor/actions.js';
import { RULE, TG_BLUE, TG_GREEN } from '#test/support/canary-builders.js';
import { elbv2Mock, subject } from '#test/support/executor-kinds.js';

/** A rule's action list: a forward to blue and green at these weights, with stickiness when given. */
export function forward(
  blue: number,
  green: number,
  stickiness?: { Enabled: boolean; DurationSeconds?: number },
): ElbAction[] {
  return [
    {
      Type: 'forward',
      Order: 1,
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: TG_BLUE, Weight: blue },
          { TargetGroupArn: TG_GREEN, Weight: green },
        ],
        ...(stickiness ? { TargetGroupStickinessConfig: stickiness } : {}),
      },
    },
  ];
}

/** A step of the rule from 100/0 (blue/green, as read before the write) to 90/10. */
export function shift(overrides: Partial<SetForwardWeightsAction> = {}): SetForwardWeightsAction {
  return {
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
    ...overrides,
  };
}

/** The rule's action lists as read, one per DescribeRules call, the last one repeated. */
export function rulesRead(...lists: ElbAction[][]) {
  let answers = elbv2Mock.on(DescribeRulesCommand);
  for (const actions of lists) answers = answers.resolvesOnce({ Rules: [{ Actions: actions }] });
  answers.resolves({ Rules: [{ Actions: lists.at(-1) ?? [] }] });
}
