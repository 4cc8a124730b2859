import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, inject, it, vi } from 'vitest';
import {
  postInThread,
  type SlackThreadRecord,
  SlackThreadWaitError,
  type ThreadRef,
  threadKey,
} from '#shared/slack/threads.js';
import { ensureStateTable, StateStore } from '#shared/state/index.js';

const TABLE = 'ecs-autopilot-test-slack-thread-claims';
const client = new DynamoDBClient({ endpoint: inject('motoEndpoint'), region: 'us-east-1' });
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const store = new StateStore({ client, tableName: TABLE, now: () => new Date(NOW) });
let incidents = 0;

/** A thread of a new incident, so that tests never share a record. */
const newThread = (severity: ThreadRef['severity'] = 'warning'): ThreadRef => ({
  threadId: `incident-${++incidents}@111122223333/us-east-1`,
  account: '111122223333',
  region: 'us-east-1',
  cluster: 'prod',
  service: 'web',
  severity,
});

/** Posting into a thread as `owner`, at NOW, with a Slack that gives each post the next ts. */
function deps(owner: string, overrides: { remainingMs?: number; sleep?: (ms: number) => Promise<void> } = {}) {
  let sequence = 0;
  const post = vi.fn(async (_placement: { threadTs?: string; broadcast?: boolean }) => `${owner}.${++sequence}`);
  const sleep = vi.fn(overrides.sleep ?? (async (_ms: number) => undefined));
  const remainingMs = () => overrides.remainingMs ?? 60_000;
  return { post, sleep, all: { store, owner, channel: 'C0ALERTS', post, sleep, remainingMs, now: () => NOW } };
}

/** A root claimed by `claimedBy` at `claimedAt`, not posted yet. */
async function claimedRoot(ref: ThreadRef, claimedBy: string, claimedAt: number) {
  await store.create<SlackThreadRecord>(threadKey(ref), {
    channel: 'C0ALERTS',
    claimedBy,
    claimedAt,
    severity: 'info',
  });
}

const recordOf = (ref: ThreadRef) => store.get<SlackThreadRecord>(threadKey(ref));

// moto is reset before each test: the table is made again.
beforeEach(async () => {
  await ensureStateTable(client, TABLE);
});

describe('Function: postInThread, claims of a thread root', () => {
  it('posts the first message as the root and keeps its ts for two days', async () => {
    // Prepare
    const ref = newThread('critical');
    const me = deps('me');

    // Act
    const placed = await postInThread(ref, me.all);

    // Assess
    expect(placed).toEqual({ ts: 'me.1', broadcast: false });
    expect(me.post.mock.calls).toEqual([[{}]]);
    const record = await recordOf(ref);
    expect(record?.data).toEqual({ channel: 'C0ALERTS', ts: 'me.1', severity: 'critical' });
    expect(record?.expiresAt).toBe(NOW / 1000 + 2 * 24 * 3600);
  });

  it('takes over the claim of an invocation that died over a minute ago, and posts the root', async () => {
    // Prepare
    const ref = newThread();
    await claimedRoot(ref, 'dead', NOW - 60_001);
    const me = deps('me');

    // Act
    const placed = await postInThread(ref, me.all);

    // Assess
    expect(placed).toEqual({ ts: 'me.1', broadcast: false });
    expect(me.sleep).not.toHaveBeenCalled();
    expect((await recordOf(ref))?.expiresAt).toBe(NOW / 1000 + 2 * 24 * 3600);
  });

  it("takes its own claim again at once: Lambda's retry of the invocation that claimed it", async () => {
    // Prepare
    const ref = newThread();
    await claimedRoot(ref, 'me', NOW);
    const me = deps('me');

    // Act
    const placed = await postInThread(ref, me.all);

    // Assess
    expect(placed.ts).toBe('me.1');
    expect(me.sleep).not.toHaveBeenCalled();
  });

  it('waits, pausing longer each time up to a second, for the root another live invocation claimed, then replies under it', async () => {
    // Prepare
    const ref = newThread();
    await claimedRoot(ref, 'other', NOW - 60_000);
    let pauses = 0;
    const me = deps('me', {
      sleep: async () => {
        if (++pauses < 7) return;
        const claimed = await recordOf(ref);
        if (claimed) await store.replace(claimed, { channel: 'C0ALERTS', ts: 'other.1', severity: 'warning' });
      },
    });

    // Act
    const placed = await postInThread(ref, me.all);

    // Assess
    expect(me.sleep.mock.calls.flat()).toEqual([50, 100, 200, 400, 800, 1_000, 1_000]);
    expect(placed).toEqual({ ts: 'me.1', threadTs: 'other.1', broadcast: false });
    expect(me.post.mock.calls).toEqual([[{ threadTs: 'other.1', broadcast: false }]]);
  });

  it('fails, to be retried later, when the root does not appear while time is left', async () => {
    // Prepare
    const ref = newThread();
    await claimedRoot(ref, 'other', NOW);
    const hurried = deps('me', { remainingMs: 2_049 });
    const patient = deps('me', { remainingMs: 2_050, sleep: async () => Promise.reject(new Error('slept')) });

    // Act
    const hurriedError = await postInThread(ref, hurried.all).catch((e) => e);
    const patientError = await postInThread(ref, patient.all).catch((e) => e);

    // Assess
    expect(hurriedError).toBeInstanceOf(SlackThreadWaitError);
    expect(hurriedError).toMatchObject({
      name: 'SlackThreadWaitError',
      message: `the root of thread ${ref.threadId} was not posted in time; retried later`,
    });
    expect(hurried.post).not.toHaveBeenCalled();
    expect(patientError.message).toBe('slept');
  });

  it('releases its claim when the root cannot be posted, so the next message posts the root without waiting', async () => {
    // Prepare
    const ref = newThread();
    const failing = deps('first');
    failing.post.mockRejectedValueOnce(new Error('Slack is down'));
    const next = deps('second');

    // Act
    const error = await postInThread(ref, failing.all).catch((e) => e);
    const placed = await postInThread(ref, next.all);

    // Assess
    expect(error.message).toBe('Slack is down');
    expect(placed).toEqual({ ts: 'second.1', broadcast: false });
    expect(next.sleep).not.toHaveBeenCalled();
  });
});

describe('Function: postInThread, replies', () => {
  it('shows a reply in the channel only when its severity is above what the thread told so far', async () => {
    // Prepare
    const ref = newThread('warning');
    await postInThread(ref, deps('root').all);
    const replies = deps('me');

    // Act
    const placed = [];
    for (const severity of ['warning', 'info', 'warning', 'critical', 'critical'] as const) {
      placed.push(await postInThread({ ...ref, severity }, replies.all));
    }

    // Assess
    expect(placed.map((p) => [p.threadTs, p.broadcast])).toEqual([
      ['root.1', false],
      ['root.1', false],
      ['root.1', false],
      ['root.1', true],
      ['root.1', false],
    ]);
    expect((await recordOf(ref))?.data.severity).toBe('critical');
  });
});

/** The state table with another invocation's write landing just before each of ours: a race, decided by DynamoDB. */
class RacedStore extends StateStore {
  before?: { create?: () => Promise<void>; replace?: () => Promise<void> };

  override async create<T>(...args: Parameters<StateStore['create']>) {
    await this.before?.create?.();
    return super.create<T>(...(args as [never, T, never]));
  }

  override async replace<T>(...args: Parameters<StateStore['replace']>) {
    await this.before?.replace?.();
    return super.replace<T>(...(args as [never, T, never]));
  }
}

describe('Function: postInThread, races', () => {
  const raced = new RacedStore({ client, tableName: TABLE, now: () => new Date(NOW) });

  it('waits for the root when another invocation claimed the thread between its read and its claim', async () => {
    // Prepare
    const ref = newThread();
    raced.before = { create: () => claimedRoot(ref, 'other', NOW).then(() => (raced.before = undefined)) };
    const me = deps('me', {
      sleep: async () => {
        const claimed = await recordOf(ref);
        if (claimed) await store.replace(claimed, { channel: 'C0ALERTS', ts: 'other.1', severity: 'warning' });
      },
    });

    // Act
    const placed = await postInThread(ref, { ...me.all, store: raced });

    // Assess
    expect(placed).toEqual({ ts: 'me.1', threadTs: 'other.1', broadcast: false });
  });

  it('fails on a claim the table refuses for another reason', async () => {
    // Prepare
    raced.before = { create: async () => Promise.reject(new Error('throttled')) };

    // Act
    const error = await postInThread(newThread(), { ...deps('me').all, store: raced }).catch((e) => e);

    // Assess
    expect(error.message).toBe('throttled');
  });

  it('still replies when another reply raised the thread severity first', async () => {
    // Prepare
    const ref = newThread('info');
    await postInThread(ref, deps('root').all);
    raced.before = {
      replace: async () => {
        raced.before = undefined;
        const current = await recordOf(ref);
        if (current) await store.replace(current, { ...current.data, severity: 'critical' });
      },
    };

    // Act
    const placed = await postInThread({ ...ref, severity: 'warning' }, { ...deps('me').all, store: raced });

    // Assess
    expect(placed).toMatchObject({ threadTs: 'root.1', broadcast: true });
    expect((await recordOf(ref))?.data.severity).toBe('critical');
  });

  it('fails when the table refuses to raise the thread severity for another reason', async () => {
    // Prepare
    const ref = newThread('info');
    await postInThread(ref, deps('root').all);
    raced.before = { replace: async () => Promise.reject(new Error('throttled')) };

    // Act
    const error = await postInThread({ ...ref, severity: 'warning' }, { ...deps('me').all, store: raced }).catch(
      (e) => e,
    );

    // Assess
    expect(error.message).toBe('throttled');
  });
});
