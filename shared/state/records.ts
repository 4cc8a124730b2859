/** Pure rules of the state table: keys, expiry and the waits between lease attempts. No AWS here. */

/** Identifies one record: `pk` groups the records of one subject (a service, a target group), `sk` names one. */
export interface StateKey {
  pk: string;
  sk: string;
}

/** A record as read: its data, and the version a conditional write must still find to replace it. */
export interface Versioned<T> {
  key: StateKey;
  version: number;
  data: T;
  /** Epoch seconds after which the record counts as gone (DynamoDB's TTL deletes it lazily, later). */
  expiresAt?: number;
}

/** The attributes of the table, named once. */
export const ATTR = {
  pk: 'pk',
  sk: 'sk',
  version: 'version',
  expiresAt: 'expiresAt',
  data: 'data',
  owner: 'owner',
  count: 'count',
  updatedAt: 'updatedAt',
} as const;

/** Epoch seconds of a date, the unit DynamoDB's TTL reads. */
export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

/** When a record written at `now` to live `ttlSeconds` expires, in epoch seconds. */
export function expiryAfter(now: Date, ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive number of seconds, got ${ttlSeconds}`);
  }
  return epochSeconds(now) + Math.ceil(ttlSeconds);
}

/**
 * The names and values every write of a versioned record sets besides its own (`#version`, `#expiresAt`,
 * `#updatedAt`, `:zero`, `:one`, `:expiresAt`, `:updatedAt`), as fresh objects a write adds its own entries to.
 */
export function touchOf(now: Date, ttlSeconds: number) {
  const names: Record<string, string> = {
    '#version': ATTR.version,
    '#expiresAt': ATTR.expiresAt,
    '#updatedAt': ATTR.updatedAt,
  };
  const values: Record<string, unknown> = {
    ':zero': 0,
    ':one': 1,
    ':expiresAt': expiryAfter(now, ttlSeconds),
    ':updatedAt': now.toISOString(),
  };
  return { names, values };
}

/** Whether a record with this expiry counts as gone at `now`; a record without one never expires. */
export function isExpired(expiresAt: number | undefined, now: Date): boolean {
  return expiresAt !== undefined && expiresAt <= epochSeconds(now);
}

/** `pk/sk`, for messages and logs. */
export function describeKey(key: StateKey): string {
  return `${key.pk}/${key.sk}`;
}

/** Settings of the wait for a lease. */
export interface LeaseWaitPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** Wait before the second attempt; doubles after each attempt. */
  baseDelayMs: number;
  /** Longest wait between two attempts. */
  maxDelayMs: number;
}

/** Wait before attempt `attempt + 1`: exponential and capped, half of it random so that waiters do not retry in step. */
export function leaseRetryDelay(attempt: number, policy: LeaseWaitPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Only the names and values an expression uses: DynamoDB refuses a request that carries unused ones. */
export function usedBy<V>(expressions: string[], entries: Record<string, V>): Record<string, V> {
  // Stryker disable next-line ArrayDeclaration: equivalent, a placeholder token starts with '#' or ':' and no filler does
  const tokens = new Set(expressions.join(' ').match(/[#:][A-Za-z0-9_]+/g) ?? []);
  return Object.fromEntries(Object.entries(entries).filter(([token]) => tokens.has(token)));
}
