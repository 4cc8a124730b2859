import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AutopilotConfig } from '../config/schema.js';
import type { ScheduledEvent } from '../events/scheduled.js';
import type { Alert } from '../notify/alert.js';
import { enqueueAlert } from '../notify/outbox.js';
import type { StateStore } from '../state/index.js';
import { runChecks } from './checks/index.js';
import { type AuditClients, observeAudit } from './observe.js';
import { auditAlerts } from './report.js';
import type { Finding } from './types.js';

/** How long an alerted finding is remembered: one still there after a year is alerted again, as a reminder. */
export const FINDING_MEMORY_SECONDS = 365 * 86_400;

export interface ScheduledAuditDeps {
  config: AutopilotConfig;
  clients: AuditClients & { sqs: SQSClient };
  outboxUrl: string;
  store: StateStore;
  logger: Logger;
}

export interface ScheduledAuditRun {
  eventId: string;
  services: number;
  findings: Finding[];
  /** The findings alerted by this run: new, or changed since they were last alerted. */
  alerted: string[];
  notAudited: string[];
  alerts: Alert[];
}

/** The record that says a finding was alerted; its key is the finding's id, which changes when the finding does. */
const alertedKey = (finding: Finding) => ({ pk: 'audit-finding', sk: finding.id });

/**
 * One scheduled audit of the configured clusters: observe, check, and alert only on findings never alerted before.
 * Nothing in AWS is changed. Alerts are queued before the findings are marked alerted, so a run that fails between
 * the two alerts again next time rather than never; two runs at once queue the same incident, which the outbox
 * de-duplicates, and the conditional claim lets only one of them mark each finding.
 */
export async function auditOnSchedule(event: ScheduledEvent, deps: ScheduledAuditDeps): Promise<ScheduledAuditRun> {
  const { config, clients, store, logger } = deps;
  // No cluster configured in this place: an empty scope would read as every cluster of the account and region.
  if (config.clusters.length === 0) {
    logger.info('audit skipped: no cluster of ecs-autopilot.yml is in this account and region');
    return { eventId: event.id, services: 0, findings: [], alerted: [], notAudited: [], alerts: [] };
  }
  const read = await observeAudit({
    clients,
    region: event.region,
    now: new Date(Date.parse(event.time)),
    scope: { clusters: config.clusters.map((c) => c.name) },
    config,
  });
  for (const what of read.notAudited) logger.warn(`audit skipped ${what}`);
  const findings = runChecks(read.observation);

  const fresh: Finding[] = [];
  for (const finding of findings) if ((await store.get(alertedKey(finding))) === undefined) fresh.push(finding);
  const alerts = auditAlerts(fresh, { region: event.region, account: event.account, occurredAt: event.time });
  for (const alert of alerts) await enqueueAlert(clients.sqs, deps.outboxUrl, alert);
  const alerted: string[] = [];
  for (const finding of fresh) {
    const data = { check: finding.check, kind: finding.kind, resource: finding.resource, alertedAt: event.time };
    if (await store.claimOnce(alertedKey(finding), { ttlSeconds: FINDING_MEMORY_SECONDS, data }))
      alerted.push(finding.id);
  }
  logger.info(`audit found ${findings.length} finding(s), ${fresh.length} new`, {
    alerted,
    notAudited: read.notAudited,
  });
  return {
    eventId: event.id,
    services: read.observation.services.length,
    findings,
    alerted,
    notAudited: read.notAudited,
    alerts,
  };
}
