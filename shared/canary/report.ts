import type { CanaryConfig } from '../config/canary.js';
import { type AuditRecord, auditLine, troubled } from '../executor/audit.js';
import { type Alert, consoleLinks } from '../notify/alert.js';
import type { CanaryRecord } from './status.js';
import type { CanaryTickPlan } from './types.js';

const quiet = new Set(['hold', 'idle']);

/** The alert for one tick, or undefined when it only held or idled without trouble. Pure. */
export function canaryAlert(input: {
  config: CanaryConfig;
  record: CanaryRecord;
  plan: CanaryTickPlan;
  audit: readonly AuditRecord[];
  /** Where the canary lives; the account defaults to its target groups'. */
  place: { region: string; account?: string };
  dryRun: boolean;
  now: string;
}): Alert | undefined {
  const { config, record, plan, audit, dryRun, now } = input;
  const { region } = input.place;
  const trouble = troubled(audit);
  if (quiet.has(plan.decision) && !plan.critical && !trouble) return undefined;
  const severity =
    plan.critical || trouble || record.phase === 'paused' || plan.decision === 'roll-back'
      ? 'critical'
      : plan.decision === 'scale-down'
        ? 'info'
        : plan.decision === 'complete'
          ? 'info'
          : 'warning';
  const percent = record.step >= 0 ? `${config.steps[record.step]} %` : '0 %';
  const evidence = plan.verdict
    ? Object.entries(plan.verdict.evidence)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : undefined;
  const lines = [
    `*${plan.reason}*`,
    `Release ${record.release}: ${record.canary.service} (${record.taskDefinition.split('/').pop()}) against ${record.stable.service}; now ${record.phase} at ${percent}.`,
    ...plan.gates.map((g) => `• ${g.ok ? 'ok' : 'not yet'} — ${g.gate}: ${g.detail}`),
    ...(evidence ? [`Judge numbers: ${evidence}`] : []),
    ...audit.map(auditLine),
  ];
  const account = input.place.account ?? config.sides[0].targetGroupArn.split(':')[4] ?? '';
  const where = config.account ? `${account}/${region}/` : '';
  return {
    // Same-named canaries of two accounts or regions are two incidents.
    incidentId: `canary/${where}${config.name}/release-${record.release}`,
    // A scale-in finished by a later tick than the one that started it is the same alert.
    dedupKey: `canary/${where}${config.name}/${record.release}/${record.history.length}/${plan.decision}/${(plan.decision === 'scale-down' && record.scaleDown ? record.scaleDown.at : now).slice(0, 16)}`,
    severity,
    kind: `canary/${plan.decision}`,
    title: `canary ${config.name}: ${plan.reason}`.slice(0, 250),
    description: lines.join('\n'),
    nextSteps:
      record.phase === 'paused'
        ? [
            `Check the forward action and the sides, then: ecs-autopilot canary resume ${config.name} (or abort ${config.name}).`,
          ]
        : [`See ecs-autopilot canary status ${config.name}.`],
    keywords: ['canary', config.name, plan.decision],
    cluster: config.cluster,
    service: record.canary.service,
    region,
    account,
    links: [
      { label: record.canary.service, url: consoleLinks.service(region, config.cluster, record.canary.service) },
      { label: record.stable.service, url: consoleLinks.service(region, config.cluster, record.stable.service) },
    ],
    relatedResources: [record.canary.targetGroupArn, record.stable.targetGroupArn],
    dryRun,
    occurredAt: now,
  };
}
