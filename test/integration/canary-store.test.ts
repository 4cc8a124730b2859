import { describe, expect, it } from 'vitest';
import type { CanaryRecord } from '#shared/canary/status.js';
import { readCanary, updateCanary } from '#shared/canary/store.js';
import { StateConflictError, type StateStore, type Versioned } from '#shared/state/index.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { overriding } from '#test/support/overriding.js';
import { startedCanary } from '#test/support/started-canary.js';

const proxy = await useMotoProxy();

/** The state store of a world with the canary `web` started. */
async function startedStore(): Promise<StateStore> {
  return (await startedCanary(proxy, { capacity: false })).driver.store;
}

/**
 * The store as a command sees it while a tick writes the record between the command's read and its write, for the
 * first `rivalWrites` writes: each of those writes of the command then finds the version moved.
 */
function racedBy(store: StateStore, rivalWrites: number): StateStore {
  let left = rivalWrites;
  return overriding(store, {
    replace: async <T>(current: Versioned<T>, data: T) => {
      if (left > 0) {
        left -= 1;
        const rival = (await store.get<CanaryRecord>(current.key)) as Versioned<CanaryRecord>;
        await store.replace(rival, { ...rival.data, reason: `tick ${rivalWrites - left}` });
      }
      return store.replace(current, data);
    },
  });
}

/** A command that notes the record it decided on each time, and says so in the record. */
function command() {
  const seen: string[] = [];
  const change = (current: CanaryRecord | undefined): CanaryRecord => {
    if (!current) throw new Error('web was started');
    seen.push(current.reason);
    return { ...current, reason: `${current.reason}, then the command` };
  };
  return { seen, change };
}

describe('Canary record: an operator command against concurrent writes (on moto)', () => {
  it('decides a command again on the record a tick wrote in between, so neither write is lost', async () => {
    // Prepare
    const store = await startedStore();
    const before = await readCanary(store, 'web');
    const { seen, change } = command();

    // Act
    const written = await updateCanary(racedBy(store, 1), 'web', change);

    // Assess
    expect(seen).toEqual([before?.data.reason, 'tick 1']);
    expect(written.data.reason).toBe('tick 1, then the command');
    expect(await readCanary(store, 'web')).toMatchObject({ version: (before?.version ?? 0) + 2, data: written.data });
  });

  it.each([
    [5, undefined],
    [2, 2],
  ])('gives up with a conflict after %i attempts that each found the record changed', async (attempts, given) => {
    // Prepare
    const store = await startedStore();
    const { seen, change } = command();

    // Act
    const failure = await updateCanary(racedBy(store, 10), 'web', change, undefined, given).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(StateConflictError);
    expect(seen).toHaveLength(attempts);
    expect((await readCanary(store, 'web'))?.data.reason).toBe(`tick ${attempts}`);
  });

  it('does not retry a write that failed for a reason other than a rival', async () => {
    // Prepare: throttled past the client's two attempts
    const store = await startedStore();
    const before = await readCanary(store, 'web');
    const { seen, change } = command();
    proxy.throttle('dynamodb:UpdateItem', 2);

    // Act
    const failure = await updateCanary(store, 'web', change).catch((e: unknown) => e);

    // Assess
    expect(failure).toMatchObject({ name: 'ThrottlingException' });
    expect(seen).toHaveLength(1);
    expect(await readCanary(store, 'web')).toEqual(before);
  });
});
