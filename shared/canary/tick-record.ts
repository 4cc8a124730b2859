import { AutopilotError } from '../errors.js';
import type { AuditRecord } from '../executor/audit.js';
import { StateConflictError, type StateStore } from '../state/index.js';
import type { CanaryRecord, LastTick } from './status.js';
import type { StoredCanary } from './store.js';
import type { CanaryTickPlan } from './types.js';

/*
 * The tick that last changed a canary is kept in its record: a write of that tick whose answer was lost is known as
 * its own, and a retry of that tick (the same scheduled event, so the same time) reports its decision again when the
 * first attempt failed before its alert was queued (the outbox's de-duplication drops a repeat).
 */

const quiet = (plan: CanaryTickPlan) => (plan.decision === 'hold' || plan.decision === 'idle') && !plan.critical;

/**
 * The record as the tick `id` writes it, remembering its decision; a quiet decision of a retry keeps the one an
 * earlier attempt of the same tick made (`found`: the record as the tick read it), so it can still be reported.
 */
export function stampTick(
  record: CanaryRecord,
  plan: CanaryTickPlan,
  found: CanaryRecord,
  at: string,
  id: string,
): CanaryRecord {
  const decided = quiet(plan) ? decisionToReport(plan, found, at) : plan;
  const lastTick: LastTick = {
    at,
    id,
    decision: decided.decision,
    reason: decided.reason,
    ...(decided.critical ? { critical: true } : {}),
  };
  if (quiet(decided)) return { ...record, lastTick };
  const { id: _, ...unalerted } = lastTick;
  return { ...record, lastTick, unalerted };
}

/**
 * The decision a tick recorded and whose alert was never confirmed queued, to be reported now under its own time;
 * undefined when there is none, or when it is the decision of the tick at `except`, which reports its own at its end
 * ({@link decisionToReport}). Pure.
 */
export function unalertedDecision(
  record: CanaryRecord,
  except?: string,
): { plan: CanaryTickPlan; at: string } | undefined {
  const pending = record.unalerted;
  if (!pending || pending.at === except) return undefined;
  return {
    at: pending.at,
    plan: {
      decision: pending.decision as CanaryTickPlan['decision'],
      reason: pending.reason,
      intents: [],
      gates: [],
      ...(pending.critical ? { critical: true } : {}),
    },
  };
}

/** The record once the alert of its pending decision is queued. Pure. */
export function alerted(record: CanaryRecord): CanaryRecord {
  const { unalerted: _, ...rest } = record;
  return rest;
}

/**
 * Replaces the record conditionally on the version read. A write that landed but whose answer was lost (a 500 or a
 * timeout, then the SDK's retry refused because the version moved) is this tick's own: the record read again is
 * one version on and carries its id. Any other conflict is a rival's and is thrown.
 */
export async function replaceAsTick(
  store: StateStore,
  current: StoredCanary,
  data: CanaryRecord,
  id: string,
): Promise<StoredCanary> {
  try {
    return await store.replace(current, data);
  } catch (error) {
    if (!(error instanceof StateConflictError)) throw error;
    const now = await store.get<CanaryRecord>(current.key);
    if (now && now.version === current.version + 1 && now.data.lastTick?.id === id) return now;
    throw error;
  }
}

/** The decision to report: this tick's, or the one an earlier attempt of the same tick made and may not have reported. */
export function decisionToReport(plan: CanaryTickPlan, found: CanaryRecord, at: string): CanaryTickPlan {
  const last = found.lastTick;
  if (!last || last.at !== at) return plan;
  return {
    ...plan,
    decision: last.decision as CanaryTickPlan['decision'],
    reason: last.reason,
    ...(last.critical ? { critical: true } : {}),
  };
}

/**
 * A write that failed on AWS's side or on the way (throttled, a 500, a timeout): it may or may not have landed, so
 * only reading it back can tell. Our own refusals (the action changed by someone else, a read-back that never
 * matched, invalid weights) are sure.
 */
export function unsureWhetherLanded(write: AuditRecord): boolean {
  return write.outcome === 'failed' && !(write.error?.cause instanceof AutopilotError);
}
