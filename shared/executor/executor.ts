import type { Logger } from '@aws-lambda-powertools/logger';
import { targetGroupNameOf, taskIdOf } from '../aws/arn.js';
import type { ServiceBindings } from '../services/types.js';
import { isInService, membershipBasis, sameTarget, targetLabel } from '../targets/membership.js';
import { observeTargetGroupHealth } from '../targets/observe.js';
import type { TargetOwner } from '../targets/owners.js';
import type { ObservedTarget, Target } from '../targets/types.js';
import { type Action, actionKey, type DeregisterTargetsAction, describeAction } from './actions.js';
import { type ActionKinds, applyAndVerify, type ExecutorClients, verificationModeOf } from './apply-and-verify.js';
import {
  type AuditRecord,
  auditErrorOf,
  auditErrorText,
  type KeptTarget,
  type Outcome,
  type VerificationMode,
} from './audit.js';
import { MissingTargetOwnersError, PrerequisiteNotMetError, VerificationFailedError } from './errors.js';
import { guard } from './guardrails.js';
import { LeaseTurns } from './lease-turns.js';
import type { Lease, TargetGroupLeases } from './target-group-lease.js';

export interface ExecutorOptions {
  clients: ExecutorClients;
  /** The kinds of action this reaction carries out (`./kinds/<client>.js`): only their clients are bundled. */
  kinds: ActionKinds;
  logger: Logger;
  dryRun: boolean;
  verification: { deregistration: VerificationMode };
  now?: () => Date;
  /**
   * Serializes every change of a target group's membership across invocations: a deregistration is re-read,
   * re-judged and written under the group's lease. Without it, actions are judged on the basis they were planned on.
   */
  targetGroupLeases?: TargetGroupLeases;
  /**
   * Who holds each target of a service's groups now (`observeTargetOwners`: ListTasks and DescribeTasks), read under
   * the lease for an orphan's removal (`unownedBy`). Passed by the reaction that removes orphans, so no other bundles it.
   */
  targetOwners?: (service: ServiceBindings) => Promise<ReadonlyMap<string, ReadonlyMap<string, TargetOwner>>>;
}

/** The action as it stands under the lease: what is left to remove, and what was kept and why. */
interface Rebased {
  current?: DeregisterTargetsAction;
  kept: KeptTarget[];
}

/**
 * The only code that mutates AWS. Every action goes through the same steps: idempotency (one write per intended
 * change per run), prerequisites, guardrails, dry-run, apply, verify; each ends in an audit record.
 */
export class Executor {
  readonly #options: ExecutorOptions;
  readonly #outcomes = new Map<string, Outcome>();
  /** The targets each removal kept (`id:port`), by its key: a stop that follows one of them does not stop its task. */
  readonly #kept = new Map<string, ReadonlySet<string>>();
  /** Each target group's works, one at a time under its lease; absent without leases or in a dry run. */
  readonly #turns?: LeaseTurns;

  constructor(options: ExecutorOptions) {
    this.#options = options;
    const leases = options.targetGroupLeases;
    // A dry run changes nothing: there is nothing to serialize, and it writes no lease either.
    if (leases && !options.dryRun) this.#turns = new LeaseTurns(leases);
  }

  /**
   * Runs `work` (observe, plan, and `run` the actions) holding the target group's lease, so that what it decides
   * from the group's membership holds until its write has landed. The works of this executor on one group run one
   * after the other (see {@link LeaseTurns}); work nested in one runs in its turn. Without leases, runs `work` as is.
   */
  async underTargetGroupLease<T>(targetGroupArn: string, work: () => Promise<T>): Promise<T> {
    const turns = this.#turns;
    if (!turns || turns.holds(targetGroupArn)) return work();
    return (await turns.take(targetGroupArn, work, false)).result;
  }

  /**
   * Runs `work` as {@link underTargetGroupLease} does, but hands the lease back still held, for the caller to free in
   * a write it makes anyway (its stop reports' claim) as soon as it has decided; `lease` is absent when none was taken,
   * and when another work of this executor waits for the group: the lease is then that work's to free.
   */
  async holdingTargetGroupLease<T>(
    targetGroupArn: string,
    work: () => Promise<T>,
  ): Promise<{ result: T; lease?: Lease }> {
    const turns = this.#turns;
    if (!turns || turns.holds(targetGroupArn)) return { result: await work() };
    return turns.take(targetGroupArn, work, true);
  }

  /**
   * The action judged on the group as it is now, under its lease: only what is still in service is removed, and of an
   * orphan's targets only those no task holds now, read last, just before the write.
   */
  async #rebased(action: DeregisterTargetsAction): Promise<Rebased> {
    const { elbv2 } = this.#options.clients;
    if (!elbv2) return { current: action, kept: [] };
    const now = await observeTargetGroupHealth(elbv2, action.targetGroupArn);
    const inService = action.targets.filter((t) => now.targets.some((o) => sameTarget(o, t) && isInService(o)));
    const recovered = action.whileUnhealthy ? healthyAgain(inService, now.targets) : [];
    const candidates = inService.filter((t) => !recovered.some((k) => k.target === targetLabel(t)));
    const held = candidates.length > 0 && action.unownedBy?.length ? await this.#heldNow(action, candidates) : [];
    const kept = [...recovered, ...held];
    const still = candidates.filter((t) => !held.some((k) => k.target === targetLabel(t)));
    if (still.length === 0) return { kept };
    return { current: { ...action, targets: still, basis: membershipBasis(now, still) }, kept };
  }

  /** Of an orphan's `targets`, those a task of a service bound to the group holds now, each with which task. */
  async #heldNow(action: DeregisterTargetsAction, targets: readonly Target[]): Promise<KeptTarget[]> {
    const { targetOwners } = this.#options;
    if (!targetOwners) throw new MissingTargetOwnersError();
    const services = action.unownedBy ?? [];
    const owners = await Promise.all(services.map(targetOwners));
    return targets.flatMap((target) => {
      const label = targetLabel(target);
      const at = owners.findIndex((o) => o.get(action.targetGroupArn)?.has(label));
      const owner = owners[at]?.get(action.targetGroupArn)?.get(label);
      if (!owner) return [];
      const task = `task ${taskIdOf(owner.taskArn).slice(0, 8)} of ${services[at]?.serviceName}`;
      return [{ target: label, why: `${task} (${owner.lastStatus}) holds it now, found under the group's lease` }];
    });
  }

  /** Carries out the actions in order; a failure of one does not stop the others. */
  async run(actions: readonly Action[]): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    for (const action of actions) records.push(await this.#runOne(action));
    return records;
  }

  async #runOne(action: Action): Promise<AuditRecord> {
    const { logger, dryRun, clients } = this.#options;
    const now = this.#options.now ?? (() => new Date());
    const started = now();
    const description = describeAction(action);
    const record = (fields: Omit<AuditRecord, 'action' | 'description' | 'at' | 'durationMs' | 'why'>): AuditRecord => {
      const audit: AuditRecord = {
        action,
        description,
        why: action.why,
        at: started.toISOString(),
        durationMs: now().getTime() - started.getTime(),
        ...fields,
      };
      const level = audit.outcome === 'failed' ? 'error' : audit.outcome === 'blocked' ? 'warn' : 'info';
      const because = audit.error ? `: ${auditErrorText(audit.error)}` : '';
      logger[level](`${audit.outcome}: ${description}${because}`, {
        audit: { ...audit, action: undefined },
        subject: action.subject,
        ...(audit.error?.cause === undefined ? {} : { error: audit.error.cause }),
      });
      return audit;
    };

    const key = actionKey(action);
    if (this.#outcomes.has(key)) return record({ outcome: 'duplicate' });
    const finish = (audit: AuditRecord): AuditRecord => {
      this.#outcomes.set(key, audit.outcome);
      if (audit.kept?.length) this.#kept.set(key, new Set(audit.kept.map((k) => k.target)));
      return audit;
    };

    if (action.after !== undefined) {
      const prerequisite = this.#outcomes.get(action.after);
      const satisfied =
        prerequisite === 'applied' || prerequisite === 'already-done' || (dryRun && prerequisite === 'dry-run');
      if (!satisfied) {
        return finish(
          record({ outcome: 'skipped', error: auditErrorOf(new PrerequisiteNotMetError(action.after, prerequisite)) }),
        );
      }
      if (action.kind === 'stop-task' && action.target && this.#kept.get(action.after)?.has(action.target)) {
        const evidence = `its target ${action.target} stayed in the group, no longer unhealthy: the task is not stopped`;
        return finish(record({ outcome: 'already-done', verification: { mode: 'read-back', ok: true, evidence } }));
      }
    }

    if (action.kind === 'deregister-targets' && this.#turns && !this.#turns.holds(action.targetGroupArn)) {
      try {
        return await this.underTargetGroupLease(action.targetGroupArn, async () => {
          const { current, kept } = await this.#rebased(action);
          const group = targetGroupNameOf(action.targetGroupArn);
          for (const k of kept) logger.info(`kept ${k.target} in ${group}: ${k.why}`, { subject: action.subject });
          if (!current) {
            const evidence =
              kept.length > 0
                ? 'no target is an orphan any more (re-read under its lease)'
                : 'every target had already left the target group (re-read under its lease)';
            const verification = { mode: 'read-back' as const, ok: true, evidence };
            return finish(record({ outcome: 'already-done', verification, ...(kept.length > 0 && { kept }) }));
          }
          const audit = await this.#runOne(current);
          return finish(kept.length > 0 ? { ...audit, kept } : audit);
        });
      } catch (error) {
        return finish(record({ outcome: 'failed', error: auditErrorOf(error) }));
      }
    }

    const verdict = guard(action);
    if (!verdict.allowed)
      return finish(record({ outcome: 'blocked', guard: { rule: verdict.rule, why: verdict.why } }));
    if (dryRun) return finish(record({ outcome: 'dry-run' }));

    const mode = verificationModeOf(action, this.#options.verification.deregistration);
    try {
      logger.info(`applying: ${description}`, { why: action.why, subject: action.subject });
      const { applied, verification } = await applyAndVerify(action, this.#options.kinds, clients, mode);
      if (!verification) {
        return finish(
          record({ outcome: 'already-done', verification: { mode, ok: true, evidence: applied.evidence } }),
        );
      }
      return finish(
        record({
          outcome: verification.ok ? 'applied' : 'failed',
          verification: { mode, ...verification },
          ...(verification.ok ? {} : { error: auditErrorOf(new VerificationFailedError(verification.evidence)) }),
        }),
      );
    } catch (error) {
      return finish(record({ outcome: 'failed', error: auditErrorOf(error) }));
    }
  }
}

/** Of `targets`, those read now in a state other than `unhealthy` (healthy again, or checks under way), kept. */
function healthyAgain(targets: readonly Target[], now: readonly ObservedTarget[]): KeptTarget[] {
  return targets.flatMap((target) => {
    const state = now.find((o) => sameTarget(o, target))?.state;
    if (state === undefined || state === 'unhealthy') return [];
    return [{ target: targetLabel(target), why: `no longer unhealthy (${state}), found under the group’s lease` }];
  });
}
