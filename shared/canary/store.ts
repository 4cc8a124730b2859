import { StateConflictError, type StateKey, type StateStore, type Versioned } from '../state/index.js';
import type { CanaryRecord } from './status.js';

/** Where a canary's record lives in the state table. */
export function canaryKey(name: string): StateKey {
  return { pk: `canary#${name}`, sk: 'state' };
}

/** A canary's record and the version a conditional write must still find. */
export type StoredCanary = Versioned<CanaryRecord>;

export function readCanary(store: StateStore, name: string): Promise<StoredCanary | undefined> {
  return store.get<CanaryRecord>(canaryKey(name));
}

/**
 * Applies an operator's command as a read-modify-write conditional on the version read; when the promoter wrote in
 * between, the command is decided again on the fresh record (a few times), so no transition is ever lost.
 */
export async function updateCanary(
  store: StateStore,
  name: string,
  change: (current: CanaryRecord | undefined) => CanaryRecord,
  attempts = 5,
): Promise<StoredCanary> {
  for (let attempt = 1; ; attempt += 1) {
    const current = await readCanary(store, name);
    const next = change(current?.data);
    try {
      return current ? await store.replace(current, next) : await store.create(canaryKey(name), next);
    } catch (error) {
      if (!(error instanceof StateConflictError) || attempt >= attempts) throw error;
    }
  }
}
