import { ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBackPauseMs, setForwardWeights } from '#shared/executor/forward-kinds.js';
import { elbv2, elbv2Mock, resetKindMocks } from '#test/support/executor-kinds.js';
import { forward, rulesRead, shift } from '#test/support/forward-weights.js';

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
    rulesRead(forward(100, 0), forward(80, 20));
    elbv2Mock.on(ModifyRuleCommand).resolves({});

    // Act
    const verified = await setForwardWeights.verify(shift(), { elbv2 }, 'read-back', { changed: true, evidence: '' });

    // Assess: the first read shows the write not landed yet and writes again; the second finds a third party's
    expect(verified).toEqual({
      ok: false,
      evidence:
        'read back web-blue=80, web-green=20, neither the web-blue=90, web-green=10 written nor the web-blue=100, web-green=0 it replaced: changed by someone else, not written again',
    });
    expect(elbv2Mock.commandCalls(ModifyRuleCommand)).toHaveLength(1);
  });
});
