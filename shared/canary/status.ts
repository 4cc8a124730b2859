import { AutopilotError } from '../errors.js';
import type { PairWeights } from '../targets/forward.js';
import type { Evidence } from './judge.js';

/** Where a release stands. done and rolled-back are final for the release; a new start begins the next one. */
export type CanaryPhase = 'pending' | 'ramping' | 'paused' | 'rolling-back' | 'rolled-back' | 'done';

/** One change of phase or step: who or what made it, when, why, and the numbers behind it. */
export interface CanaryTransition {
  at: string;
  /** `promoter`, `cli:<user>`, `alarm:<name>`. */
  by: string;
  from: CanaryPhase | 'none';
  to: CanaryPhase;
  /** The step index after the transition (-1: no canary weight yet). */
  step: number;
  reason: string;
  evidence?: Evidence;
}

/** Weights the promoter wrote, and whether reading them back showed them. */
export interface WrittenWeights extends PairWeights {
  at: string;
  verified: boolean;
  /** Writes of these weights so far: more than the configured bound without a read-back match pauses the canary. */
  attempts: number;
}

/** A canary's state, kept in the state table and changed only with a write conditional on the version read. */
export interface CanaryRecord {
  name: string;
  /** Counts starts: each release alternates the roles of the two sides. */
  release: number;
  phase: CanaryPhase;
  /** Index into the steps of the weight the canary has (-1 before the first step). */
  step: number;
  stepStartedAt?: string;
  stable: { service: string; targetGroupArn: string };
  canary: { service: string; targetGroupArn: string };
  /** The task definition the canary side runs in this release. */
  taskDefinition: string;
  /** The stable side's desired count when the release started: its full capacity, restored before a rollback. */
  stableDesired: number;
  written?: WrittenWeights;
  /** An operator's request the next tick carries out without bake, judge or window (never without capacity). */
  request?: 'promote' | 'promote-full';
  /** Roll back through the steps in reverse, one a tick, so the stable side warms up. */
  gradual?: boolean;
  /** The phase a paused canary resumes into. */
  resumeTo?: CanaryPhase;
  /** Set on resume: the next tick takes the weights it observes as the ones last written. */
  acceptObserved?: boolean;
  /** When the idle side's weight 0 was verified; its scale-down waits from here. */
  idleSince?: string;
  /**
   * The idle side's scale-in, claimed by the tick that started it (when, and the reason its alert gives): a tick that
   * failed before its writes landed leaves it here, and the next one finishes the same scale-in.
   */
  scaleDown?: { at: string; reason: string };
  /** Set only once the scale-in's writes landed: from then on no tick reads anything for this release. */
  idleScaledDown?: boolean;
  /**
   * By service: the scalable-target bounds a side had before its minimum was lowered to 0 when it was scaled in
   * (else Application Auto Scaling scales it back up); put back when that side next needs capacity.
   */
  scalableBounds?: Record<string, { min: number; max: number }>;
  reason: string;
  history: CanaryTransition[];
  /** The account and region the promoter last acted in for this canary. */
  account?: string;
  region?: string;
  /** What the tick that last changed the record decided (see `tick-record.ts`). */
  lastTick?: LastTick;
  /**
   * Decisions worth an alert, oldest first, each from the write that records it until its alert is queued: a tick at
   * another time that finds them queues those alerts first. The tick that decided, its retries and its event's other
   * delivery may all have failed, and the scheduled promoter is not retried by Lambda. A record written before this
   * was a list holds one decision here, not in a list: read it through `pendingAlerts` (`tick-record.ts`).
   */
  unalerted?: PendingAlert[];
}

/**
 * A recorded decision whose alert is not confirmed queued yet, with what its alert reads of the record as that
 * decision left it (its phase, its step and how many transitions its history held), so that the alert queued later
 * is the one its own tick would have queued, under the same de-duplication key. A record written before this was a
 * list kept none of the three: its alert reads the record as it is.
 */
export type PendingAlert = Omit<LastTick, 'id'> & { phase?: CanaryPhase; step?: number; transitions?: number };

/** A tick's decision as its record keeps it: its own writes are known by `id`, and a retry at `at` reports it again. */
export interface LastTick {
  at: string;
  id: string;
  decision: string;
  reason: string;
  critical?: boolean;
}

export class CanaryTransitionError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CanaryTransitionError';
  }
}

const allowedTransitions: Record<CanaryPhase, readonly CanaryPhase[]> = {
  pending: ['ramping', 'paused', 'rolling-back', 'rolled-back'],
  ramping: ['ramping', 'paused', 'rolling-back', 'done'],
  paused: ['pending', 'ramping', 'rolling-back', 'paused'],
  'rolling-back': ['rolling-back', 'rolled-back', 'paused'],
  'rolled-back': ['pending'],
  done: ['pending'],
};

/** The phases in which the promoter acts on its own. */
export const activePhases: readonly CanaryPhase[] = ['pending', 'ramping', 'rolling-back'];

/** The history a record keeps: the newest transitions, enough for any release (a table item holds 400 KB). */
export const HISTORY_LIMIT = 200;

/** Can the status go from one phase to another? */
export function canTransition(from: CanaryPhase, to: CanaryPhase): boolean {
  return allowedTransitions[from].includes(to);
}

/** The record after a transition, with the transition appended to its history. Throws when the move is not allowed. */
export function transition(
  record: CanaryRecord,
  to: CanaryPhase,
  change: { at: string; by: string; reason: string; evidence?: Evidence; step?: number },
  fields: Partial<CanaryRecord> = {},
): CanaryRecord {
  if (!canTransition(record.phase, to)) {
    throw new CanaryTransitionError(`canary ${record.name} cannot go from ${record.phase} to ${to}`);
  }
  const step = change.step ?? fields.step ?? record.step;
  const entry: CanaryTransition = {
    at: change.at,
    by: change.by,
    from: record.phase,
    to,
    step,
    reason: change.reason,
    ...(change.evidence ? { evidence: change.evidence } : {}),
  };
  return {
    ...record,
    ...fields,
    phase: to,
    step,
    reason: change.reason,
    history: [...record.history, entry].slice(-HISTORY_LIMIT),
  };
}

/** The record of a paused canary, remembering where to resume. */
export function pause(
  record: CanaryRecord,
  change: { at: string; by: string; reason: string; evidence?: Evidence },
): CanaryRecord {
  const resumeTo = record.phase === 'paused' ? record.resumeTo : record.phase;
  return transition(record, 'paused', change, { resumeTo });
}
