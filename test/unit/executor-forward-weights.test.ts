import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  type Action as ElbAction,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MissingClientError } from '#shared/executor/errors.js';
import { ForwardActionChangedError, readBackPauseMs, setForwardWeights } from '#shared/executor/forward-kinds.js';
import { RULE, TG_BLUE, TG_GREEN } from '#test/support/canary-builders.js';
import { elbv2, elbv2Mock, resetKindMocks } from '#test/support/executor-kinds.js';
import { forward, rulesRead, shift } from '#test/support/forward-weights.js';

const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const sticky = { Enabled: true, DurationSeconds: 300 };
/** Everything moved to green by someone else, listed green first. */
const swapped: ElbAction[] = [
  {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: TG_GREEN, Weight: 100 },
        { TargetGroupArn: TG_BLUE, Weight: 0 },
      ],
    },
  },
];

beforeEach(resetKindMocks);

describe('Executor kinds: set-forward-weights, the write', () => {
  it("rewrites a rule's whole action list with the new weights and says what it wrote", async () => {
    // Prepare
    rulesRead(forward(100, 0, sticky));
    elbv2Mock.on(ModifyRuleCommand).resolves({});

    // Act
    const applied = await setForwardWeights.apply(
      shift({ expected: { ...shift().expected, stickiness: { enabled: true, durationSeconds: 300 } } }),
      { elbv2 },
    );

    // Assess
    expect(applied).toEqual({ changed: true, evidence: 'wrote web-blue=90, web-green=10' });
    expect(elbv2Mock.commandCalls(DescribeRulesCommand)[0]?.args[0].input).toEqual({ RuleArns: [RULE] });
    expect(elbv2Mock.commandCalls(ModifyRuleCommand)[0]?.args[0].input).toEqual({
      RuleArn: RULE,
      Actions: forward(90, 10, sticky),
    });
  });

  it("writes a listener's default actions through ModifyListener, keeping the weight of a group not named", async () => {
    // Prepare
    elbv2Mock.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: forward(100, 0) }] });
    elbv2Mock.on(ModifyListenerCommand).resolves({});

    // Act
    const applied = await setForwardWeights.apply(shift({ actionArn: LISTENER, weights: { [TG_GREEN]: 10 } }), {
      elbv2,
    });

    // Assess
    expect(applied.evidence).toBe('wrote web-blue=100, web-green=10');
    expect(elbv2Mock.commandCalls(DescribeListenersCommand)[0]?.args[0].input).toEqual({ ListenerArns: [LISTENER] });
    expect(elbv2Mock.commandCalls(ModifyListenerCommand)[0]?.args[0].input).toEqual({
      ListenerArn: LISTENER,
      DefaultActions: forward(100, 10),
    });
    expect(elbv2Mock.commandCalls(ModifyRuleCommand)).toHaveLength(0);
  });

  it('writes nothing when the weights already read as intended', async () => {
    // Prepare
    rulesRead(forward(90, 10));

    // Act
    const applied = await setForwardWeights.apply(shift(), { elbv2 });

    // Assess
    expect(applied).toEqual({ changed: false, evidence: 'read: web-blue=90, web-green=10 (already as intended)' });
    expect(elbv2Mock.commandCalls(ModifyRuleCommand)).toHaveLength(0);
  });

  it.each([
    ['weights', forward(80, 20), 'web-blue=80, web-green=20 instead of web-blue=100, web-green=0'],
    [
      'target groups',
      forward(100, 0).map((a) => ({
        ...a,
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG_BLUE, Weight: 100 }] },
      })),
      'web-blue=100 instead of web-blue=100, web-green=0',
    ],
    ['stickiness', forward(100, 0, sticky), 'web-blue=100, web-green=0 instead of web-blue=100, web-green=0'],
    ['order', swapped, 'web-green=100, web-blue=0 instead of web-blue=100, web-green=0'],
  ])('refuses to write over a forward action whose %s changed since it was planned', async (_what, read, text) => {
    // Prepare
    rulesRead(read);

    // Act
    const applying = setForwardWeights.apply(shift(), { elbv2 });

    // Assess
    await expect(applying).rejects.toThrow(ForwardActionChangedError);
    await expect(setForwardWeights.apply(shift(), { elbv2 })).rejects.toThrow(
      `the forward action changed since it was read: ${text}`,
    );
    expect(elbv2Mock.commandCalls(ModifyRuleCommand)).toHaveLength(0);
  });

  it('refuses a rule that no longer forwards, weights ALB would refuse, and a missing client', async () => {
    // Prepare
    rulesRead([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }]);

    // Act
    const noForward = setForwardWeights.apply(shift(), { elbv2 });

    // Assess
    await expect(noForward).rejects.toMatchObject({
      name: 'ForwardActionChangedError',
      message: `${RULE} no longer forwards`,
    });
    rulesRead(forward(100, 0));
    await expect(setForwardWeights.apply(shift({ weights: { [TG_BLUE]: 0 } }), { elbv2 })).rejects.toMatchObject({
      name: 'InvalidWeightsError',
      message: 'refusing to write weights: every weight would be 0: the action would serve nothing',
    });
    await expect(setForwardWeights.apply(shift(), {})).rejects.toThrow(MissingClientError);
    expect(elbv2Mock.commandCalls(ModifyRuleCommand)).toHaveLength(0);
  });
});

describe('Executor kinds: set-forward-weights, the read-back', () => {
  const pause = readBackPauseMs.value;
  afterEach(() => {
    readBackPauseMs.value = pause;
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('confirms weights that read back as written on the first read, writing nothing more', async () => {
    // Prepare
    rulesRead(forward(90, 10));

    // Act
    const verified = await setForwardWeights.verify(shift(), { elbv2 }, 'read-back', { changed: true, evidence: '' });

    // Assess
    expect(verified).toEqual({ ok: true, evidence: 'read back web-blue=90, web-green=10 after 1 write(s)' });
    expect(elbv2Mock.commandCalls(ModifyRuleCommand)).toHaveLength(0);
  });

  it('writes again from a fresh read after a pause that grows, until the weights read back', async () => {
    // Prepare
    vi.useFakeTimers();
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    rulesRead(forward(100, 0), forward(100, 0), forward(90, 10));
    elbv2Mock.on(ModifyRuleCommand).resolves({});

    // Act
    const verifying = setForwardWeights.verify(shift(), { elbv2 }, 'read-back', { changed: true, evidence: '' });
    await vi.runAllTimersAsync();
    const verified = await verifying;

    // Assess
    expect(verified).toEqual({ ok: true, evidence: 'read back web-blue=90, web-green=10 after 3 write(s)' });
    expect(timeout.mock.calls.map((call) => call[1])).toEqual([500, 1000]);
    expect(elbv2Mock.commandCalls(ModifyRuleCommand).map((c) => c.args[0].input.Actions)).toEqual([
      forward(90, 10),
      forward(90, 10),
    ]);
  });

  it('fails after the last attempt with what it read and wanted, without a write after the last read', async () => {
    // Prepare
    readBackPauseMs.value = 0;
    rulesRead(forward(100, 0));
    elbv2Mock.on(ModifyRuleCommand).resolves({});

    // Act
    const verified = await setForwardWeights.verify(shift({ attempts: 2 }), { elbv2 }, 'read-back', {
      changed: true,
      evidence: '',
    });

    // Assess
    expect(verified).toEqual({
      ok: false,
      evidence: 'read back web-blue=100, web-green=0, wanted web-blue=90, web-green=10 after 2 write(s)',
    });
    expect(elbv2Mock.commandCalls(DescribeRulesCommand)).toHaveLength(2);
    expect(elbv2Mock.commandCalls(ModifyRuleCommand)).toHaveLength(1);
  });

  it('fails at once when the rule no longer forwards or its stickiness changed', async () => {
    // Prepare
    const onExpected = shift({
      expected: { ...shift().expected, stickiness: { enabled: true, durationSeconds: 300 } },
    });
    const applied = { changed: true, evidence: '' };

    // Act
    rulesRead([]);
    const noForward = await setForwardWeights.verify(shift(), { elbv2 }, 'read-back', applied);
    rulesRead(forward(90, 10, sticky));
    const turnedOn = await setForwardWeights.verify(shift(), { elbv2 }, 'read-back', applied);
    rulesRead(forward(90, 10));
    const turnedOff = await setForwardWeights.verify(onExpected, { elbv2 }, 'read-back', applied);

    // Assess
    expect(noForward).toEqual({ ok: false, evidence: 'read back: the action no longer forwards' });
    expect(turnedOn).toEqual({
      ok: false,
      evidence: 'read back: stickiness {"enabled":true,"durationSeconds":300} changed',
    });
    expect(turnedOff).toEqual({ ok: false, evidence: 'read back: stickiness "none" changed' });
    expect(elbv2Mock.commandCalls(ModifyRuleCommand)).toHaveLength(0);
  });

  it('judges stickiness by whether it is on, and by its duration only when it is', async () => {
    // Prepare
    const expected = (stickiness: { enabled: boolean; durationSeconds?: number }) => ({
      ...shift().expected,
      stickiness,
    });
    const verify = async (read: ElbAction[], stickiness: { enabled: boolean; durationSeconds?: number }) => {
      rulesRead(read);
      return (
        await setForwardWeights.verify(shift({ expected: expected(stickiness) }), { elbv2 }, 'read-back', {
          changed: true,
          evidence: '',
        })
      ).ok;
    };

    // Act
    const results = [
      await verify(forward(90, 10, sticky), { enabled: true, durationSeconds: 300 }),
      await verify(forward(90, 10, { Enabled: false, DurationSeconds: 60 }), { enabled: false, durationSeconds: 120 }),
      await verify(forward(90, 10, { Enabled: false }), { enabled: false }),
      await verify(forward(90, 10), { enabled: false }),
      await verify(forward(90, 10, sticky), { enabled: true, durationSeconds: 60 }),
      await verify(forward(90, 10), { enabled: true, durationSeconds: 300 }),
    ];

    // Assess
    expect(results).toEqual([true, true, true, true, false, false]);
  });
});
