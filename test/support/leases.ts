import type { Lease, LeaseKey, LeaseStore } from '#shared/executor/target-group-lease.js';

/**
 * Leases held in this process's memory: for unit tests of what the executor does with a lease, not of leases. As the
 * state store's: taken when free or already the owner's, freed only by its owner.
 */
export function memoryLeaseStore(): LeaseStore & {
  taken: string[];
  freed: string[];
  holder(key: LeaseKey): string | undefined;
} {
  const held = new Map<string, string>();
  const taken: string[] = [];
  /** The owners whose leases were freed, in order. */
  const freed: string[] = [];
  const nameOf = (key: LeaseKey) => `${key.pk}/${key.sk}`;
  return {
    taken,
    freed,
    holder: (key) => held.get(nameOf(key)),
    async acquireLease(key: LeaseKey, owner: string): Promise<Lease | undefined> {
      const name = nameOf(key);
      const holder = held.get(name);
      if (holder !== undefined && holder !== owner) return undefined;
      held.set(name, owner);
      taken.push(name);
      return {
        key,
        owner,
        release: async () => {
          if (held.get(name) !== owner) return;
          held.delete(name);
          freed.push(owner);
        },
      };
    },
  };
}
