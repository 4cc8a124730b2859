import { AsyncLocalStorage } from 'node:async_hooks';
import { type Lease, type TargetGroupLeases, takeTargetGroupLease } from './target-group-lease.js';

/** One target group's turns in one executor: who waits, the lease the turns pass on, the leases handed back. */
interface Group {
  /** Settles when the last turn queued has ended: the next one starts then. */
  tail: Promise<void>;
  /** Turns queued behind the one under way. */
  waiting: number;
  /** The lease the turn under way holds, or the last one left for the next turn. */
  lease?: Lease;
  /** Leases handed back still held, for their callers to free in a write of their own. */
  handedBack: number;
}

/**
 * The works of one executor (one invocation: a batch's services share it) on each target group, one at a time in the
 * order they came, each holding the group's lease: the next reads the group only once the last one's writes landed.
 * The lease passes from turn to turn without being freed, so no other invocation takes it in between, and is freed
 * after the last. Work nested in a turn (the same call chain) runs in that turn, under the lease it holds.
 */
export class LeaseTurns {
  readonly #leases: TargetGroupLeases;
  readonly #groups = new Map<string, Group>();
  /** The target groups whose turn the current call chain is in. */
  readonly #chain = new AsyncLocalStorage<ReadonlySet<string>>();

  constructor(leases: TargetGroupLeases) {
    this.#leases = leases;
  }

  /** Whether the calling work runs in a turn of the group already: its lease is held for it. */
  holds(targetGroupArn: string): boolean {
    return this.#chain.getStore()?.has(targetGroupArn) ?? false;
  }

  /**
   * Runs `work` in the group's next turn, holding its lease. With `handBack`, the lease is handed back still held,
   * for the caller to free, unless another turn waits: the lease is then that turn's, and no lease is handed back.
   */
  async take<T>(
    targetGroupArn: string,
    work: () => Promise<T>,
    handBack: boolean,
  ): Promise<{ result: T; lease?: Lease }> {
    const group = this.#group(targetGroupArn);
    const previous = group.tail;
    let ended = () => {};
    group.tail = new Promise<void>((done) => {
      ended = done;
    });
    group.waiting += 1;
    await previous;
    group.waiting -= 1;
    try {
      let lease: Lease;
      try {
        // Taken again when the last turn left it: as its owner, it only lives longer.
        lease = await takeTargetGroupLease(this.#ownedBy(group), targetGroupArn);
      } catch (error) {
        await this.#passOn(group);
        throw error;
      }
      group.lease = lease;
      const held = new Set([...(this.#chain.getStore() ?? []), targetGroupArn]);
      let result: T;
      try {
        result = await this.#chain.run(held, work);
      } catch (error) {
        await this.#passOn(group);
        throw error;
      }
      if (handBack && group.waiting === 0) {
        group.lease = undefined;
        group.handedBack += 1;
        return { result, lease };
      }
      await this.#passOn(group);
      return { result };
    } finally {
      ended();
    }
  }

  #group(targetGroupArn: string): Group {
    const known = this.#groups.get(targetGroupArn);
    if (known) return known;
    const group: Group = { tail: Promise.resolve(), waiting: 0, handedBack: 0 };
    this.#groups.set(targetGroupArn, group);
    return group;
  }

  /**
   * The leases as this group's next turn takes them. Once a lease was handed back, its caller frees it when it sees
   * fit (in a write of its own, unseen here): a later turn takes the lease as another owner, so that it waits until
   * that one is freed, as another invocation would, instead of taking it back and having it freed under its work.
   */
  #ownedBy(group: Group): TargetGroupLeases {
    const { owner } = this.#leases;
    return group.handedBack === 0 ? this.#leases : { ...this.#leases, owner: `${owner}#${group.handedBack + 1}` };
  }

  /** Ends a turn's hold: the lease stays held for a turn that waits, and is freed when none does. */
  async #passOn(group: Group): Promise<void> {
    if (group.waiting > 0) return;
    const lease = group.lease;
    group.lease = undefined;
    // A lease that fails to release expires after its TTL: the work itself is done either way.
    await lease?.release().catch(() => undefined);
  }
}
