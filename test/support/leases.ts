import type { Lease, LeaseKey, LeaseStore } from '#shared/executor/target-group-lease.js';

/** Leases held in this process's memory: for unit tests of what the executor does with a lease, not of leases. */
export function memoryLeaseStore(): LeaseStore & { taken: string[] } {
  const held = new Set<string>();
  const taken: string[] = [];
  return {
    taken,
    async acquireLease(key: LeaseKey): Promise<Lease | undefined> {
      const name = `${key.pk}/${key.sk}`;
      if (held.has(name)) return undefined;
      held.add(name);
      taken.push(name);
      return { release: async () => void held.delete(name) };
    },
  };
}
