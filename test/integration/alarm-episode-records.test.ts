import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AlarmEpisode,
  claimCooldown,
  cooldownHeldByOther,
  episodeKey,
  recordOnce,
} from '#shared/alarms/episode.js';
import { ensureStateTable, StateStore } from '#shared/state/index.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const TABLE = 'ecs-autopilot-alarm-episodes-test';
// Through the proxy: it makes moto's conditional writes atomic per request, as DynamoDB's are.
const proxy = await useMotoProxy();
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const dynamodb = new DynamoDBClient({ endpoint: proxy.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

const ALARM = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:prod-web-cpu-high';
const episode = (startedAt: string): AlarmEpisode => ({ alarm: ALARM, startedAt });
const COOLDOWN = { pk: 'service#prod/web', sk: 'cooldown#scale-out' };

/** A state store on a clock the test moves. */
function storeAt(start = new Date('2026-11-26T10:00:00Z')) {
  let now = start;
  const store = new StateStore({ client: dynamodb, tableName: TABLE, now: () => now });
  return { store, now: () => now, advance: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)) };
}

describe('Alarms: episode records in the state table', () => {
  let key: ReturnType<typeof episodeKey>;

  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
    // A key of its own per test: the table outlives each test.
    key = episodeKey(episode(new Date().toISOString()), `scale-out#${crypto.randomUUID()}`);
  });

  it('records the first decision, and hands every later writer that decision instead of its own', async () => {
    // Prepare
    const { store } = storeAt();
    await recordOnce(store, key, { to: 5 }, 3600);

    // Act
    const later = await recordOnce(store, key, { to: 7 }, 3600);

    // Assess
    expect(later.recorded).toBe(false);
    expect(later.record.data).toEqual({ to: 5 });
  });

  it('lets exactly one of five writers at the same moment record, and all read its decision', async () => {
    // Prepare
    const { store } = storeAt();

    // Act
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((to) => recordOnce(store, key, { to }, 3600)));

    // Assess
    expect(outcomes.filter((o) => o.recorded)).toHaveLength(1);
    const winner = outcomes.find((o) => o.recorded)?.record.data;
    expect(outcomes.map((o) => o.record.data)).toEqual(outcomes.map(() => winner));
  });

  it('records anew once the earlier decision has expired', async () => {
    // Prepare
    const { store, advance } = storeAt();
    await recordOnce(store, key, { to: 5 }, 60);
    advance(61);

    // Act
    const again = await recordOnce(store, key, { to: 7 }, 60);

    // Assess
    expect(again).toMatchObject({ recorded: true, record: { data: { to: 7 } } });
  });

  it('passes on a failure of the write that is not a conflict, rather than reading on', async () => {
    // Prepare
    const { store } = storeAt();
    proxy.failWith5xx('dynamodb:UpdateItem', 1);

    // Act
    const recording = recordOnce(store, key, { to: 5 }, 60);

    // Assess
    await expect(recording).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    proxy.reset();
    expect(await store.get(key)).toBeUndefined();
  });
});

describe('Alarms: cooldowns of one direction', () => {
  let cooldown: typeof COOLDOWN;

  beforeEach(async () => {
    await ensureStateTable(dynamodb, TABLE);
    cooldown = { ...COOLDOWN, pk: `${COOLDOWN.pk}-${crypto.randomUUID()}` };
  });

  it("claims the cooldown for an episode, again for that episode's retry, and names its start to another", async () => {
    // Prepare
    const { store, now, advance } = storeAt();
    const first = episode('2026-11-26T09:59:00.000+0000');
    const mine = await claimCooldown(store, cooldown, first, now(), 300);
    advance(30);

    // Act
    const retried = await claimCooldown(store, cooldown, first, now(), 300);
    const other = await claimCooldown(store, cooldown, episode('2026-11-26T10:00:20.000+0000'), now(), 300);

    // Assess
    expect(mine).toBeUndefined();
    expect(retried).toBeUndefined();
    expect(other).toBe('2026-11-26T10:00:00.000Z');
  });

  it('records nothing for a rule without a cooldown', async () => {
    // Prepare
    const { store, now } = storeAt();
    await claimCooldown(store, cooldown, episode('2026-11-26T09:59:00.000+0000'), now(), 0);

    // Act
    const held = await cooldownHeldByOther(store, cooldown, episode('2026-11-26T10:00:20.000+0000'));

    // Assess
    expect(held).toBeUndefined();
    expect(await store.get(cooldown)).toBeUndefined();
  });

  it("tells another episode when the cooldown began while it lasts, and never the cooldown's own episode", async () => {
    // Prepare
    const { store, now, advance } = storeAt();
    const first = episode('2026-11-26T09:59:00.000+0000');
    const next = episode('2026-11-26T10:01:00.000+0000');
    await claimCooldown(store, cooldown, first, now(), 300);

    // Act
    const toOwn = await cooldownHeldByOther(store, cooldown, first);
    const toNext = await cooldownHeldByOther(store, cooldown, next);
    advance(301);
    const afterIt = await cooldownHeldByOther(store, cooldown, next);

    // Assess
    expect(toOwn).toBeUndefined();
    expect(toNext).toBe('2026-11-26T10:00:00.000Z');
    expect(afterIt).toBeUndefined();
  });
});
