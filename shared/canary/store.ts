import { type Place, placeKey } from '../config/places.js';
import { StateConflictError, type StateKey, type StateStore, type Versioned } from '../state/index.js';
import type { CanaryRecord } from './status.js';

/**
 * Where a canary's record lives in the state table. A canary that names its account is keyed by that account and
 * region too, so that same-named canaries of two accounts are two records; one that names none keeps the key it
 * always had. Derived from the config alone, so the promoter and the command line always agree on it.
 */
export function canaryKey(name: string, place?: Place): StateKey {
  const pk = `canary#${name}`;
  return { pk: place ? `${placeKey(place)}#${pk}` : pk, sk: 'state' };
}

/** A canary's record and the version a conditional write must still find. */
export type StoredCanary = Versioned<CanaryRecord>;

export function readCanary(store: StateStore, name: string, place?: Place): Promise<StoredCanary | undefined> {
  return store.get<CanaryRecord>(canaryKey(name, place));
}

/**
 * Applies an operator's command as a read-modify-write conditional on the version read; when the promoter wrote in
 * between, the command is decided again on the fresh record (a few times), so no transition is ever lost.
 */
export async function updateCanary(
  store: StateStore,
  name: string,
  change: (current: CanaryRecord | undefined) => CanaryRecord,
  place?: Place,
  attempts = 5,
): Promise<StoredCanary> {
  for (let attempt = 1; ; attempt += 1) {
    const current = await readCanary(store, name, place);
    const next = change(current?.data);
    try {
      return current ? await store.replace(current, next) : await store.create(canaryKey(name, place), next);
    } catch (error) {
      if (!(error instanceof StateConflictError) || attempt >= attempts) throw error;
    }
  }
}
