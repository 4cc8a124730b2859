import { isDeepStrictEqual } from 'node:util';
import { AutopilotError } from '../errors.js';
import type { AuditRecord } from '../executor/audit.js';
import { StateConflictError, type StateStore } from '../state/index.js';
import type { CanaryRecord, LastTick, PendingAlert } from './status.js';
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
  const { id: _, ...kept } = lastTick;
  const pending: PendingAlert = { ...kept, phase: record.phase, step: record.step, transitions: record.history.length };
  // A retry of the same tick records its decision again in the place of its own.
  const unalerted = [...pendingAlerts(record).filter((p) => p.at !== at), pending].slice(-maxPendingAlerts);
  return { ...record, lastTick, unalerted };
}

/**
 * At most this many decisions wait for their alert: the outbox refusing that many alerting ticks running. Past it
 * the oldest is dropped, which keeps the record far below DynamoDB's item limit.
 */
export const maxPendingAlerts = 20;

/** The decisions whose alert is not queued yet, oldest first; a record of the earlier form kept one, not a list. Pure. */
export function pendingAlerts(record: CanaryRecord): PendingAlert[] {
  const pending = record.unalerted as PendingAlert[] | PendingAlert | undefined;
  if (pending === undefined) return [];
  return Array.isArray(pending) ? pending : [pending];
}

/** The pending decisions of `before` that `after` no longer holds: pushed out of a full list by a newer one. Pure. */
export function droppedAlerts(before: CanaryRecord, after: CanaryRecord): PendingAlert[] {
  const kept = new Set(pendingAlerts(after).map((p) => p.at));
  return pendingAlerts(before).filter((p) => !kept.has(p.at));
}

/** Whether the decision of the tick at `at` waits for its alert. Pure. */
export function isPending(record: CanaryRecord, at: string): boolean {
  return pendingAlerts(record).some((p) => p.at === at);
}

/**
 * The decisions ticks recorded and whose alerts were never confirmed queued, oldest first, each to be reported now
 * under its own time; the decision of the tick at `except` is left out, as that tick reports its own at its end
 * ({@link decisionToReport}). Pure.
 */
export function unalertedDecisions(
  record: CanaryRecord,
  except?: string,
): Array<{ plan: CanaryTickPlan; at: string; record: CanaryRecord }> {
  return pendingAlerts(record)
    .filter((pending) => pending.at !== except)
    .map((pending) => ({
      at: pending.at,
      plan: asDecided({ intents: [], gates: [] }, pending),
      record: asLeftBy(record, pending),
    }));
}

/**
 * The record as its alert reads it when the pending decision was recorded: its phase, its step and a history of the
 * length it had then (the history itself is only counted, in the alert's key). Pure.
 */
function asLeftBy(record: CanaryRecord, pending: PendingAlert): CanaryRecord {
  return {
    ...record,
    ...(pending.phase !== undefined ? { phase: pending.phase } : {}),
    ...(pending.step !== undefined ? { step: pending.step } : {}),
    // without a count (the earlier form), the whole history
    history: record.history.slice(0, pending.transitions),
  };
}

/** The record once the alerts of the decisions at `ats` are queued. Pure. */
export function alerted(record: CanaryRecord, ats: readonly string[]): CanaryRecord {
  const { unalerted: _, ...rest } = record;
  const left = pendingAlerts(record).filter((p) => !ats.includes(p.at));
  return left.length > 0 ? { ...rest, unalerted: left } : rest;
}

/** Two records the same once stored: a field left undefined is absent from what the state table holds. */
function sameStored(a: CanaryRecord, b: CanaryRecord): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

/**
 * Replaces the record conditionally on the version read. A write that landed but whose answer was lost (a 500 or a
 * timeout, then the SDK's retry refused because the version moved) is this tick's own: the record read again is
 * one version on and is what this tick wrote. Any other conflict is a rival's and is thrown: an operator's command
 * copies the whole record, this tick's id included, so the id alone cannot tell.
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
    if (now && now.version === current.version + 1 && now.data.lastTick?.id === id && sameStored(now.data, data)) {
      return now;
    }
    throw error;
  }
}

/** The decision to report: this tick's, or the one an earlier attempt of the same tick made and may not have reported. */
export function decisionToReport(plan: CanaryTickPlan, found: CanaryRecord, at: string): CanaryTickPlan {
  const last = found.lastTick;
  return last && last.at === at ? asDecided(plan, last) : plan;
}

/** The plan with a recorded decision in the place of its own. */
function asDecided(plan: Omit<CanaryTickPlan, 'decision' | 'reason'>, decided: PendingAlert): CanaryTickPlan {
  return {
    ...plan,
    decision: decided.decision as CanaryTickPlan['decision'],
    reason: decided.reason,
    ...(decided.critical ? { critical: true } : {}),
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
