import type { Logger } from '@aws-lambda-powertools/logger';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AutopilotConfig, TaskFailurePolicy } from '../config/schema.js';
import type { TaskStateChangeEvent } from '../events/task-state-change.js';
import type { Lease, TargetGroupLeases } from '../executor/target-group-lease.js';
import type { ObservationCache } from '../services/observation-cache.js';
import type { ClaimOutcome, ClaimRecord, MemberHolders, StateKey, Versioned } from '../state/index.js';
import type { StopClassification } from './classify.js';
import type { CrashLoopNotice, ServiceStops as CrashLoopStops } from './crash-loop/hook.js';
import type { HandledTaskVersions } from './handled-versions.js';
import type { Home } from './screen.js';

/** One message of the batch: an event and the queue message that carried it. */
export interface TaskStopMessage {
  messageId: string;
  event: TaskStateChangeEvent;
  /** Which delivery of the message this is (SQS ApproximateReceiveCount); 1 when unknown. */
  attempt?: number;
  /** When the queue first handed the message out (epoch ms): where a redelivery finds its first delivery's sweep. */
  firstReceivedAt?: number;
}

/** What a batch depends on; everything is passed in, so tests, replays and benchmarks wire their own. */
export interface TaskBatchDeps {
  config: AutopilotConfig;
  clients: { ecs: ECSClient; elbv2: ElasticLoadBalancingV2Client; sqs: SQSClient };
  outboxUrl: string;
  cache: ObservationCache;
  seen: HandledTaskVersions;
  logger: Logger;
  home?: Home;
  targetGroupLeases?: TargetGroupLeases;
  /** Where a storm's sweeps are claimed and published, so that one batch per service takes the storm's stops. */
  sweepLedger?: SweepLedger;
  /** Counts a service's failed stops across invocations; the crash-loop alert when they reached the threshold. */
  countStops?: (stops: CrashLoopStops) => Promise<CrashLoopNotice[]>;
  /** Deliveries before a message goes to the DLQ: a failure before the last is reported by its retry, not now. */
  maxAttempts?: number;
  now?: () => Date;
}

/** An event that passed screening, with what it is about. */
export interface ScreenedStop {
  message: TaskStopMessage;
  policy: TaskFailurePolicy;
  classification: StopClassification;
}

/** The durable records a storm sweep is claimed and published in (the state store, passed in by the function). */
export interface SweepLedger {
  claimEach<T>(keys: readonly StateKey[], opts: { owner: string; ttlSeconds: number }): Promise<Array<ClaimOutcome<T>>>;
  readClaims<T>(keys: readonly StateKey[]): Promise<Map<string, ClaimRecord<T>>>;
  /** Claims each member of one record once; who holds each member afterwards, and the record's notes if it read them. */
  claimMembers(
    key: StateKey,
    claims: ReadonlyArray<{ member: string; owner: string }>,
    opts: { ttlSeconds: number },
  ): Promise<MemberHolders>;
  /** Claims as {@link SweepLedger.claimMembers} does, in the write that frees `lease` when it can; frees it either way. */
  claimMembersFreeing(
    key: StateKey,
    claims: ReadonlyArray<{ member: string; owner: string }>,
    opts: { ttlSeconds: number },
    lease: Lease,
  ): Promise<MemberHolders>;
  /** Who holds each member of one record, and its notes, claiming none. */
  readMembers(key: StateKey, opts: { ttlSeconds: number }): Promise<MemberHolders>;
  /** Makes a claim whose owner is gone `owner`'s if it is still as read; whether it is `owner`'s afterwards. */
  takeOverClaim<T>(record: ClaimRecord<T>, owner: string): Promise<boolean>;
  /** Keeps a note beside a record's members, which the claims that read the record answer with. */
  noteOn(key: StateKey, name: string, value: string, opts: { ttlSeconds: number }): Promise<void>;
  recordOnClaim<T>(key: StateKey, owner: string, data: T): Promise<void>;
  /** Replaces a record's data if it is still at the version read (another batch confirming a sweep's alert queued). */
  replace<T>(current: Versioned<T>, data: T): Promise<unknown>;
}
