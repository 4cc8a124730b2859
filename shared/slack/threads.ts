import { AutopilotError } from '../errors.js';
import type { AlertSeverity } from '../notify/alert.js';
import { StateConflictError, type StateKey, type StateStore, type Versioned } from '../state/index.js';

/** The Slack thread of one incident as the state table keeps it, beside the incident's alert group. */
export interface SlackThreadRecord {
  channel: string;
  /** The thread root's `ts`, once it is posted; absent while the invocation that claimed the root posts it. */
  ts?: string;
  /** Who claims the root (an invocation's request id) and since when (epoch ms): a dead or failed claimer's is taken over. */
  claimedBy?: string;
  claimedAt?: number;
  /** The highest severity told in the thread: a reply above it is shown in the channel too. */
  severity: AlertSeverity;
}

/**
 * Which thread a message belongs to: the incident of an alert and the service it is about, where that service lives
 * (the same incident id of a same-named service in another account or region is another thread).
 */
export interface ThreadRef {
  threadId: string;
  /** Absent only for a message published without them, before alerts named their account and region. */
  account?: string;
  region?: string;
  cluster: string;
  service: string;
  severity: AlertSeverity;
}

/** The thread record of an incident, in the partition of its service's alert groups (see `groupStateKey`). */
export function threadKey(ref: ThreadRef): StateKey {
  const where = ref.account && ref.region ? `${ref.account}/${ref.region}/` : '';
  return { pk: `alert-group/${where}${ref.cluster}/${ref.service}`, sk: `slack-thread/${ref.threadId}` };
}

const rank: Record<AlertSeverity, number> = { info: 1, warning: 2, critical: 3 };
/** A thread outlives any group of its incident (at most the repeat interval, 4 h by default) by far. */
const THREAD_TTL_SECONDS = 2 * 24 * 3600;
/** A claim older than this is a claimer that died before posting: another invocation posts the root. */
const CLAIM_EXPIRY_MS = 60_000;

/** What posting into a thread depends on. */
export interface ThreadedPostDeps {
  store: StateStore;
  /** This invocation's id: what a claim is made in the name of. */
  owner: string;
  channel: string;
  /** Posts the message (a root without `threadTs`); returns its `ts`. */
  post: (placement: { threadTs?: string; broadcast?: boolean }) => Promise<string>;
  remainingMs: () => number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** No thread root appeared in time: the invocation fails, and Lambda retries it once the root is known. */
export class SlackThreadWaitError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlackThreadWaitError';
  }
}

/**
 * Posts a message of an incident into the incident's one thread. The first message claims the thread with a
 * conditional write, posts the root and records its `ts`; every later one, in any invocation, replies under it. Two
 * first messages at once: one claims, the other waits for the root's `ts` and replies. A claimer whose post fails
 * releases the claim; one that dies before recording the root is taken over after a minute. Returns where the
 * message went.
 */
export async function postInThread(
  ref: ThreadRef,
  deps: ThreadedPostDeps,
): Promise<{ ts: string; threadTs?: string; broadcast: boolean }> {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const key = threadKey(ref);
  for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
    const current = await store.get<SlackThreadRecord>(key);
    if (current?.data.ts) return reply(ref, current as Versioned<SlackThreadRecord>, current.data.ts, deps);
    // A claim of this invocation's own (Lambda retries an event under its request id) is taken again at once.
    const stale =
      current && (current.data.claimedBy === deps.owner || now() - (current.data.claimedAt ?? 0) > CLAIM_EXPIRY_MS);
    if (!current || stale) {
      const claim: SlackThreadRecord = {
        channel: deps.channel,
        claimedBy: deps.owner,
        claimedAt: now(),
        severity: ref.severity,
      };
      const claimed = await (current
        ? store.replace(current, claim, { ttlSeconds: THREAD_TTL_SECONDS })
        : store.create(key, claim, { ttlSeconds: THREAD_TTL_SECONDS })
      ).catch((error: unknown) => {
        // Another invocation claimed the thread first: its root is posted in a moment.
        if (error instanceof StateConflictError) return undefined;
        throw error;
      });
      if (claimed) {
        const ts = await deps.post({}).catch(async (error: unknown) => {
          // Released, so that the retry (or another message of the incident) posts the root without waiting.
          await store.replace(claimed, { ...claim, claimedAt: 0 }).catch(() => undefined);
          throw error;
        });
        await store.replace(claimed, { channel: deps.channel, ts, severity: ref.severity });
        return { ts, broadcast: false };
      }
    }
    if (pause + 2_000 > deps.remainingMs()) {
      throw new SlackThreadWaitError(`the root of thread ${ref.threadId} was not posted in time; retried later`);
    }
    await sleep(pause);
  }
}

/** Replies in the thread; a severity above what the thread told so far is shown in the channel too. */
async function reply(
  ref: ThreadRef,
  current: Versioned<SlackThreadRecord>,
  threadTs: string,
  deps: ThreadedPostDeps,
): Promise<{ ts: string; threadTs: string; broadcast: boolean }> {
  const broadcast = rank[ref.severity] > rank[current.data.severity];
  const ts = await deps.post({ threadTs, broadcast });
  if (broadcast) {
    // Best effort: a lost race only means a later reply of the same severity is shown in the channel too.
    await deps.store.replace(current, { ...current.data, severity: ref.severity }).catch((error: unknown) => {
      if (!(error instanceof StateConflictError)) throw error;
    });
  }
  return { ts, threadTs, broadcast };
}
