import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CanaryConfig } from '../config/canary.js';
import { placeKey, statedPlace } from '../config/places.js';
import type { AutopilotConfig } from '../config/schema.js';
import { AutopilotError } from '../errors.js';
import { type AuditRecord, auditErrorText } from '../executor/audit.js';
import { Executor } from '../executor/executor.js';
import { setForwardWeights, setTaskDefinition } from '../executor/forward-kinds.js';
import { setScalableTargetBounds } from '../executor/kinds/application-auto-scaling.js';
import { setDesiredCount } from '../executor/kinds/ecs.js';
import type { Alert } from '../notify/alert.js';
import { StateConflictError, type StateStore } from '../state/index.js';
import { executorActions } from './intents.js';
import type { CanaryJudge } from './judge.js';
import { judgeFor } from './judges/for-config.js';
import { type CanaryClients, observeCanary } from './observe.js';
import { planCanaryTick } from './plan.js';
import { BY_PROMOTER, confirmWeights } from './plan-parts.js';
import { type CanaryRecord, pause } from './status.js';
import { readCanary, type StoredCanary } from './store.js';
import { countDroppedAlerts, markAlerted, queueEarlierAlerts, queueTickAlert } from './tick-alerts.js';
import { decisionToReport, droppedAlerts, replaceAsTick, stampTick, unsureWhetherLanded } from './tick-record.js';
import type { CanaryTickPlan, GateResult } from './types.js';

/** A record as the promoter writes it: with the account and region it acted in, when it knows them. */
function stamped(record: CanaryRecord, deps: Pick<CanaryTickDeps, 'account' | 'region'>): CanaryRecord {
  return deps.account ? { ...record, account: deps.account, region: deps.region } : record;
}

/** A tick that could not finish for at least one canary; the others ran. */
export class CanaryTickError extends AutopilotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CanaryTickError';
  }
}

export interface CanaryTickDeps {
  config: AutopilotConfig;
  clients: CanaryClients & { sqs?: SQSClient };
  store: StateStore;
  /** Alerts go to the outbox when given (the function); the CLI prints them instead. */
  outboxUrl?: string;
  logger: Logger;
  /** Where the canaries ticked live: the alerts' and records' region, and account when known (else the ARNs'). */
  region: string;
  account?: string;
  judgeFor?: (canary: CanaryConfig) => CanaryJudge;
}

/** What one tick did for one canary. */
export interface CanaryTickResult {
  name: string;
  decision: CanaryTickPlan['decision'] | 'not-started' | 'conflict';
  reason: string;
  phase?: CanaryRecord['phase'];
  step?: number;
  gates: GateResult[];
  verdict?: CanaryTickPlan['verdict'];
  audit: AuditRecord[];
  alert?: Alert;
  /** Where the canary lives, when the pass knows it. */
  account?: string;
  region?: string;
  /** `<account>/<region>` of a canary that names its account: same-named canaries elsewhere are others. */
  statedAt?: string;
}

/** One promoter pass over every configured canary, exactly as the scheduled function runs it. */
export async function tickCanaries(deps: CanaryTickDeps, now: string): Promise<CanaryTickResult[]> {
  const results: CanaryTickResult[] = [];
  const failures: Error[] = [];
  // One form of time in every record, whatever the event wrote (EventBridge drops the milliseconds).
  const at = new Date(now).toISOString();
  for (const canary of deps.config.canaries) {
    try {
      const result = await tickCanary(deps, canary, at);
      const stated = statedPlace(canary, deps.config);
      results.push({
        ...result,
        ...(deps.account ? { account: deps.account, region: deps.region } : {}),
        ...(stated ? { statedAt: placeKey(stated) } : {}),
      });
    } catch (error) {
      // One canary's failure (an AWS error, a missing service) must not keep the others from their tick.
      deps.logger.error(`canary ${canary.name}: tick failed`, { error });
      failures.push(error as Error);
    }
  }
  if (failures.length) {
    throw new CanaryTickError(
      `${failures.length} canary tick(s) failed: ${failures.map((e) => e.message).join('; ')}`,
      {
        cause: failures[0],
      },
    );
  }
  return results;
}

/**
 * The pass an alarm entering ALARM triggers: only the canaries that name it as a gate alarm, at the alarm's time, so
 * the rollback happens within seconds instead of at the next scheduled pass. Other alarms do nothing.
 */
export async function tickCanariesGatedBy(
  deps: CanaryTickDeps,
  alarmName: string,
  now: string,
): Promise<CanaryTickResult[]> {
  const gated = deps.config.canaries.filter((c) => c.gateAlarms.includes(alarmName));
  if (gated.length === 0) deps.logger.debug(`alarm ${alarmName} gates no canary`);
  return tickCanaries({ ...deps, config: { ...deps.config, canaries: gated } }, now);
}

/**
 * observe → plan → claim (a write conditional on the version read: of two concurrent ticks one acts) → guard, apply,
 * verify through the executor → record what the read-back showed → report.
 */
export async function tickCanary(deps: CanaryTickDeps, canary: CanaryConfig, now: string): Promise<CanaryTickResult> {
  const { store, logger, config } = deps;
  const place = statedPlace(canary, config);
  const read = await readCanary(store, canary.name, place);
  const base = { name: canary.name, gates: [], audit: [] };
  if (!read) return { ...base, decision: 'not-started', reason: `not started: canary start ${canary.name}` };
  // The kill switch leaves a canary alone in every phase, a finished one included: nothing is read for it.
  const holdsStill = (r: CanaryRecord) => r.phase === 'paused' || !canary.enabled;
  // Earlier ticks' decisions whose alerts never went out go first, whatever this tick then does. A canary held still
  // reports its own tick's too: a retry of the tick that paused it, which failed before its alert, ends here.
  const stored = await queueEarlierAlerts(deps, canary, read, holdsStill(read.data) ? undefined : now);
  const record = stored.data;
  const tickId = randomUUID();
  // (the record may have been read again there, paused by an operator meanwhile)
  if (holdsStill(record)) {
    return {
      ...base,
      decision: 'idle',
      reason: canary.enabled ? `paused: ${record.reason}` : 'disabled in the config',
      phase: record.phase,
      step: record.step,
    };
  }
  if ((record.phase === 'done' || record.phase === 'rolled-back') && record.idleScaledDown) {
    // Lambda's retry of the tick that scaled the idle side in, which failed after recording it: its alert may not
    // have been queued, so it is queued again (the outbox drops a repeat). Nothing is read.
    const idle: CanaryTickPlan = { decision: 'idle', reason: record.reason, intents: [], gates: [] };
    const earlier = record.lastTick?.at === now ? decisionToReport(idle, record, now) : undefined;
    const alert = earlier && (await queueTickAlert(deps, canary, { record, plan: earlier, audit: [], now }));
    if (alert && !config.dryRun) await markAlerted(deps, stored, [now]);
    return {
      ...base,
      decision: 'idle',
      reason: record.reason,
      phase: record.phase,
      step: record.step,
      ...(alert ? { alert } : {}),
    };
  }

  // observe, plan
  const observation = await observeCanary(deps.clients, canary, record, now);
  if (observation.killSwitch) {
    return {
      ...base,
      decision: 'idle',
      reason: 'a side carries the ecs-autopilot:disabled tag',
      phase: record.phase,
      step: record.step,
    };
  }
  const judge = deps.judgeFor?.(canary) ?? judgeFor(canary.judge);
  const plan = planCanaryTick({ config: canary, record, observation, judge });
  logger.info(`canary ${canary.name}: ${plan.decision}: ${plan.reason}`, { gates: plan.gates, verdict: plan.verdict });

  // The record as this tick writes it, its decision remembered; alerts it pushes out of a full list count as lost.
  const writeTick = async (current: StoredCanary, next: CanaryRecord, decided: CanaryTickPlan) => {
    const data = stampTick(stamped(next, deps), decided, record, now, tickId);
    const written = await replaceAsTick(store, current, data, tickId);
    countDroppedAlerts(deps, canary.name, droppedAlerts(next, data));
    return written;
  };

  // claim: the planned record, or the same one at a new version when only AWS changes
  let held: StoredCanary = stored;
  if (!config.dryRun && (plan.next || plan.intents.length)) {
    try {
      held = plan.next ? await writeTick(stored, plan.next, plan) : await store.replace(stored, stamped(record, deps));
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
      logger.info(`canary ${canary.name}: another tick or command changed it first; this tick does nothing`);
      return {
        ...base,
        decision: 'conflict',
        reason: 'another tick or command changed the canary first',
        phase: record.phase,
        step: record.step,
      };
    }
  }

  // guard, apply, verify
  const executor = new Executor({
    clients: { elbv2: deps.clients.elbv2, ecs: deps.clients.ecs, autoScaling: deps.clients.autoScaling },
    kinds: {
      'set-forward-weights': setForwardWeights,
      'set-task-definition': setTaskDefinition,
      'set-desired-count': setDesiredCount,
      'set-scalable-target-bounds': setScalableTargetBounds,
    },
    logger,
    dryRun: config.dryRun,
    verification: config.verification,
  });
  const audit = await executor.run(executorActions(canary, held.data, observation, plan.intents));
  const weightWrite = audit.find((r) => r.action.kind === 'set-forward-weights');
  let finalPlan = plan;
  if (weightWrite && !config.dryRun) {
    const landed = hasLanded(weightWrite);
    const why = weightWrite.error ? auditErrorText(weightWrite.error) : (weightWrite.guard?.why ?? '');
    const reason = `weight write ${weightWrite.outcome}: ${why}`.trim();
    if (unsureWhetherLanded(weightWrite)) {
      // Throttled, or a 500 or a timeout after it may have landed: the weights stay unverified, and the retry reads
      // them back and confirms them or writes them again (the next of `writeAttempts`), as for any unverified write.
      throw new CanaryTickError(`canary ${canary.name}: ${reason}`, { cause: weightWrite.error?.cause });
    }
    const next = landed
      ? confirmWeights(held.data, canary, now)
      : pause(held.data, { at: now, by: BY_PROMOTER, reason });
    if (!landed) finalPlan = { ...plan, decision: 'pause', reason, critical: true };
    else if (next.phase === 'done' && plan.next?.phase !== 'done') {
      finalPlan = { ...plan, decision: 'complete', reason: next.reason };
    }
    held = await writeTick(held, next, finalPlan);
  }
  // What the writes make true (the idle side scaled in) is recorded once they all landed; else the next tick
  // finishes them, as its own observation finds them.
  if (plan.landed && !config.dryRun && audit.every(hasLanded)) {
    held = await writeTick(held, plan.landed, plan);
  }

  // report: this tick's decision, or the one an earlier attempt of the same tick made and may not have reported
  const alert =
    (await queueTickAlert(deps, canary, { record: held.data, plan: finalPlan, audit, now })) ??
    (await queueTickAlert(deps, canary, {
      record: held.data,
      plan: decisionToReport(finalPlan, record, now),
      audit,
      now,
    }));
  // The command line's pass, which has no outbox, reports its own decision on its output: that is its alert.
  if (alert && !config.dryRun) held = await markAlerted(deps, held, [now]);
  return {
    name: canary.name,
    decision: finalPlan.decision,
    reason: finalPlan.reason,
    phase: held.data.phase,
    step: held.data.step,
    gates: finalPlan.gates,
    ...(finalPlan.verdict ? { verdict: finalPlan.verdict } : {}),
    audit,
    ...(alert ? { alert } : {}),
  };
}

/** A write that is in AWS now: written and verified, or found already so. */
function hasLanded(record: AuditRecord): boolean {
  return record.outcome === 'applied' || record.outcome === 'already-done';
}
