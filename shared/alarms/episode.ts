import { type Place, partitionAt } from '../config/places.js';
import type { AlarmStateChangeEvent } from '../events/alarm-state-change.js';
import { StateConflictError, type StateKey, type StateStore, type Versioned } from '../state/index.js';

/**
 * How long an alarm episode's record is kept: far beyond the age at which its events stop being acted on (300 s) and
 * Lambda's and EventBridge's retries, so that every redelivery of the same ALARM finds it.
 */
export const EPISODE_TTL_SECONDS = 24 * 3600;

/**
 * One alarm episode: it begins when the alarm enters ALARM (the state's timestamp), and every delivery, retry or
 * duplicate of that ALARM names the same one. The alarm is named by its ARN, so same-named alarms of other accounts
 * or regions stay apart.
 */
export interface AlarmEpisode {
  alarm: string;
  startedAt: string;
}

export function episodeOf(event: AlarmStateChangeEvent): AlarmEpisode {
  const { alarmName, state } = event.detail;
  const arn = event.resources[0] ?? `arn:aws:cloudwatch:${event.region}:${event.account}:alarm:${alarmName}`;
  return { alarm: arn, startedAt: state.timestamp };
}

/** Where an episode's decision about one thing (a scaling step, a target group's targets) is recorded. Pure. */
export function episodeKey(episode: AlarmEpisode, decision: string): StateKey {
  return { pk: `alarm#${episode.alarm}`, sk: `episode#${episode.startedAt}#${decision}` };
}

/** Where the service's account and region stand to the deployment's own: a service is named by its place too. */
export interface ServicePlace {
  place: Place;
  home: Place;
}

/** Where a service's cooldown in one direction is held while it lasts; apart from same-named services elsewhere. Pure. */
export function cooldownKey(
  service: { clusterName: string; serviceName: string },
  where: ServicePlace | undefined,
  direction: 'out' | 'in',
): StateKey {
  const pk = `service#${service.clusterName}/${service.serviceName}`;
  return { pk: where ? partitionAt(pk, where.place, where.home) : pk, sk: `cooldown#scale-${direction}` };
}

/** A cooldown as recorded: which episode started it, and when. */
export interface CooldownRecord {
  episode: string;
  at: string;
}

/** The stable name of an episode, as a cooldown records it. */
export function episodeName(episode: AlarmEpisode): string {
  return `${episode.alarm}@${episode.startedAt}`;
}

type Store = Pick<StateStore, 'get' | 'create'>;

/**
 * Records `data` under `key` unless a live record is there; either way returns what is recorded, and whether it is
 * ours. A conditional create: of two writers at the same moment, or a retry after the write landed, exactly one
 * records, and the others read what it recorded.
 */
export async function recordOnce<T>(
  store: Store,
  key: StateKey,
  data: T,
  ttlSeconds: number,
): Promise<{ record: Versioned<T>; recorded: boolean }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return { record: await store.create(key, data, { ttlSeconds }), recorded: true };
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
    }
    const existing = await store.get<T>(key);
    // Gone between the two calls (it expired): try to record again.
    if (existing) return { record: existing, recorded: false };
  }
  throw new StateConflictError(`${key.pk}/${key.sk} kept changing under three attempts to record it`);
}

/**
 * Starts the service's cooldown in one direction for this episode, before the change: undefined when it is this
 * episode's (new, or recorded by an earlier attempt), else when another episode's cooldown began.
 */
export async function claimCooldown(
  store: Store,
  key: StateKey,
  episode: AlarmEpisode,
  now: Date,
  cooldownSeconds: number,
): Promise<string | undefined> {
  if (cooldownSeconds <= 0) return undefined;
  const mine: CooldownRecord = { episode: episodeName(episode), at: now.toISOString() };
  const { record } = await recordOnce(store, key, mine, cooldownSeconds);
  return record.data.episode === mine.episode ? undefined : record.data.at;
}

/** When another episode's cooldown in this direction began, while it lasts; undefined when none holds. */
export async function cooldownHeldByOther(
  store: Pick<StateStore, 'get'>,
  key: StateKey,
  episode: AlarmEpisode,
): Promise<string | undefined> {
  const held = await store.get<CooldownRecord>(key);
  return held && held.data.episode !== episodeName(episode) ? held.data.at : undefined;
}
