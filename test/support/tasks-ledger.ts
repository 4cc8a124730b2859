import type { Logger } from '@aws-lambda-powertools/logger';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { TaskFailurePolicy } from '#shared/config/schema.js';
import type { TaskDetail } from '#shared/events/task-state-change.js';
import type { ClaimOutcome, ClaimRecord, StateKey } from '#shared/state/index.js';
import { MemberHolders } from '#shared/state/members.js';
import type { ScreenedStop, SweepLedger } from '#shared/tasks/batch-types.js';
import { classifyStop } from '#shared/tasks/classify.js';
import { config, taskDetail, taskEvent } from './builders.js';

/** Every call a sweep ledger was asked, by method, in order. */
export type LedgerCalls = Array<{ method: keyof SweepLedger; args: unknown[] }>;

/**
 * A sweep ledger as plain data: the records it holds (by `pk/sk`), the claims it grants (`mine` unless the key is in
 * `taken`), the member holders it answers with the record's `notes`, and every call it was asked. `fail` makes every
 * call reject.
 */
export function recordingLedger(
  options: {
    records?: Map<string, ClaimRecord<unknown>>;
    taken?: Map<string, ClaimRecord<unknown> | undefined>;
    holders?: Map<string, string>;
    notes?: Map<string, string>;
    /** Claims someone else took over first (by `pk/sk`): taking them over is refused. */
    takenOver?: Set<string>;
    fail?: Error;
  } = {},
) {
  const calls: LedgerCalls = [];
  const answer = async <R>(method: keyof SweepLedger, args: unknown[], value: () => R): Promise<R> => {
    calls.push({ method, args });
    if (options.fail) throw options.fail;
    return value();
  };
  const id = (key: StateKey) => `${key.pk}/${key.sk}`;
  const holders = () => {
    const answered = new MemberHolders(options.holders ?? []);
    for (const [name, value] of options.notes ?? []) answered.notes.set(name, value);
    for (const [member, holder] of options.holders ?? []) answered.all.set(member, holder);
    return answered;
  };
  const ledger: SweepLedger = {
    claimEach: <T>(keys: readonly StateKey[], opts: { owner: string; ttlSeconds: number }) =>
      answer('claimEach', [keys, opts], () =>
        keys.map((key): ClaimOutcome<T> => {
          if (!options.taken?.has(id(key))) return { key, mine: true };
          const record = options.taken.get(id(key)) as ClaimRecord<T> | undefined;
          return { key, mine: false, ...(record && { record }) };
        }),
      ),
    readClaims: <T>(keys: readonly StateKey[]) =>
      answer('readClaims', [keys], () => {
        const found = new Map<string, ClaimRecord<T>>();
        for (const key of keys) {
          const record = options.records?.get(id(key));
          if (record) found.set(id(key), record as ClaimRecord<T>);
        }
        return found;
      }),
    claimMembers: (key, claims, opts) => answer('claimMembers', [key, claims, opts], holders),
    // As when the write that frees the lease is refused and the claim reads the record.
    claimMembersFreeing: (key, claims, opts, lease) =>
      answer('claimMembersFreeing', [key, claims, opts, lease], holders),
    readMembers: (key, opts) => answer('readMembers', [key, opts], holders),
    takeOverClaim: (record, owner) =>
      answer('takeOverClaim', [record, owner], () => !options.takenOver?.has(id(record.key))),
    noteOn: (key, name, value, opts) => answer('noteOn', [key, name, value, opts], () => undefined),
    recordOnClaim: (key, owner, data) => answer('recordOnClaim', [key, owner, data], () => undefined),
    replace: (current, data) => answer('replace', [current, data], () => undefined),
  };
  return { ledger, calls };
}

const policy: TaskFailurePolicy = { deregisterTargets: true, alertRoutineStops: false };

/** A screened stop of `cluster/service`, task `id`, as the batch hands it on; override the detail or the message. */
export function screenedStop(
  id: string,
  options: {
    service?: string;
    detail?: Partial<TaskDetail>;
    attempt?: number;
    firstReceivedAt?: number;
    policy?: Partial<TaskFailurePolicy>;
  } = {},
): ScreenedStop {
  const service = options.service ?? 'web';
  const detail = taskDetail({
    taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/${id}`,
    group: `service:${service}`,
    ...options.detail,
  });
  return {
    message: {
      messageId: `m-${id}`,
      event: taskEvent(detail),
      ...(options.attempt !== undefined && { attempt: options.attempt }),
      ...(options.firstReceivedAt !== undefined && { firstReceivedAt: options.firstReceivedAt }),
    },
    policy: { ...policy, ...options.policy },
    classification: classifyStop(detail),
  };
}

/** A logger that keeps what it was told, by level. */
export function keptLogger() {
  const lines: Array<{ level: string; message: string; extra?: unknown }> = [];
  const at =
    (level: string) =>
    (message: unknown, ...extra: unknown[]): void => {
      lines.push({ level, message: String(message), extra: extra[0] });
    };
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { lines, logger: logger as unknown as Logger };
}

/** What settling and joining a storm sweep need, on `ledger`, at `now`; the logger's lines come back too. */
export function sweepDepsAt(ledger: SweepLedger | undefined, now: Date) {
  const kept = keptLogger();
  const deps = {
    sweepLedger: ledger,
    clients: { ecs: new ECSClient({ region: 'us-east-1' }) } as never,
    config: config(),
    logger: kept.logger,
    now: () => now,
  };
  return { deps, lines: kept.lines };
}

/** A stopped task of prod/web as DescribeTasks answers it: its essential container exited, stopping at `stoppingAt`. */
export function describedStop(id: string, stoppingAt: Date | undefined, extra: Record<string, unknown> = {}) {
  return {
    taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/${id}`,
    clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
    group: 'service:web',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'app', exitCode: 1 }],
    attachments: [],
    ...(stoppingAt && { stoppingAt }),
    ...extra,
  };
}
