import { describe, expect, it } from 'vitest';
import { pauseRelease } from '#shared/canary/commands.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { StoredCanary } from '#shared/canary/store.js';
import { replaceAsTick } from '#shared/canary/tick-record.js';
import { StateConflictError, type StateStore } from '#shared/state/index.js';
import { ramping } from '#test/support/canary-builders.js';

const AT = '2026-11-24T10:05:00.000Z';
const key = { pk: 'canary#web', sk: 'state' };

/** A store whose replace is refused as a conflict, and whose read then finds `found` one version on. */
function refusedThenFinds(found: CanaryRecord): StateStore {
  return {
    replace: async () => {
      throw new StateConflictError('the version moved');
    },
    get: async () => ({ key, version: 8, data: found }),
  } as unknown as StateStore;
}

describe('Canary tick: which refused write was its own', () => {
  const claimed: StoredCanary = {
    key,
    version: 7,
    data: { ...ramping(1, [10, 90]), lastTick: { id: 'tick-1', at: AT, decision: 'promote', reason: 'promote' } },
  };
  const confirmed: CanaryRecord = { ...claimed.data, reason: 'weights 10/90 read back' };

  it('takes the record one version on for its own when it is what the tick wrote (its answer was lost)', async () => {
    // Act
    const result = await replaceAsTick(refusedThenFinds(confirmed), claimed, confirmed, 'tick-1');

    // Assess
    expect(result).toEqual({ key, version: 8, data: confirmed });
  });

  it('throws when an operator wrote in between, though the record still names the tick', async () => {
    // Prepare: a pause copies the whole record, the tick's id included
    const paused = pauseRelease(claimed.data, 'web', AT, 'alice');

    // Act
    const result = replaceAsTick(refusedThenFinds(paused), claimed, confirmed, 'tick-1');

    // Assess
    await expect(result).rejects.toBeInstanceOf(StateConflictError);
  });
});
