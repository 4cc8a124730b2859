import type { ReceivedAlert } from '#local/world.js';
import type { AuditRecord } from '#shared/executor/audit.js';

/** What a scenario's run came to: what the executor did, why the reaction ignored the event, the alerts sent. */
export interface ScenarioOutcome {
  audit: readonly AuditRecord[];
  ignored?: string;
  alerts: readonly ReceivedAlert[];
}

/** Something a scenario's title says happened, and the test of it against what did. */
export interface Claim {
  says: string;
  holds(outcome: ScenarioOutcome): boolean;
}

/** A title's claim that what happened does not bear out. */
export class ScenarioClaimError extends Error {
  override name = 'ScenarioClaimError';
}

/** Throws unless every claim of the scenario holds. */
export function checkClaims(title: string, claims: readonly Claim[], outcome: ScenarioOutcome): void {
  const failed = claims.filter((claim) => !claim.holds(outcome));
  if (failed.length > 0) {
    const seen = JSON.stringify({
      audit: outcome.audit.map(({ outcome: o, description, guard }) => ({ outcome: o, description, guard })),
      ignored: outcome.ignored,
      alerts: outcome.alerts.length,
    });
    throw new ScenarioClaimError(`"${title}" claims ${failed.map((c) => c.says).join(' and ')}, but: ${seen}`);
  }
}

const withOutcome = (audit: readonly AuditRecord[], outcome: AuditRecord['outcome']) =>
  audit.filter((record) => record.outcome === outcome);

/** The executor applied (and verified) at least one action whose description contains `what`. */
export const applied = (what: string): Claim => ({
  says: `that the executor applied "${what}"`,
  holds: ({ audit }) => withOutcome(audit, 'applied').some((record) => record.description.includes(what)),
});

/** A guardrail of this name refused an action, and nothing was applied. */
export const refusedBy = (rule: string): Claim => ({
  says: `that the ${rule} guardrail refused`,
  holds: ({ audit }) =>
    audit.some((record) => record.outcome === 'blocked' && record.guard?.rule === rule) &&
    withOutcome(audit, 'applied').length === 0,
});

/** Every planned action was only reported, none applied: a dry run. */
export const dryRunOnly: Claim = {
  says: 'a dry run',
  holds: ({ audit }) => audit.length > 0 && audit.every((record) => record.outcome === 'dry-run'),
};

/** The reaction ignored the event for a reason that matches, and the executor was not called. */
export const ignoredBecause = (why: RegExp): Claim => ({
  says: `that the event was ignored (${why.source})`,
  holds: ({ audit, ignored }) => ignored !== undefined && why.test(ignored) && audit.length === 0,
});

/** Nothing was changed in AWS. */
export const changedNothing: Claim = {
  says: 'that nothing changed',
  holds: ({ audit }) => withOutcome(audit, 'applied').length === 0,
};

/** This many alerts went out. */
export const alerts = (count: number): Claim => ({
  says: `${count} alert(s)`,
  holds: (outcome) => outcome.alerts.length === count,
});
