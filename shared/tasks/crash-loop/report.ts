import { taskDefinitionOf } from '../../aws/arn.js';
import { type Place, samePlace } from '../../config/places.js';
import type { Alert } from '../../notify/alert.js';
import { buildAlert } from '../../notify/build-alert.js';
import type { StopClassification } from '../classify.js';
import type { CrashLoopVerdict } from './plan.js';

/** One failed stop, as the task path saw it. */
export interface FailedStop {
  taskArn: string;
  classification: StopClassification;
  stopCode?: string;
  stoppedReason?: string;
  taskDefinitionArn?: string;
  /** `ecs-svc/…` for a task a deployment started. */
  startedBy?: string;
}

/** Where the crash loop happens and what was counted. */
export interface CrashLoopReport {
  cluster: string;
  service: string;
  region: string;
  account: string;
  desiredCount: number;
  windowSeconds: number;
  verdict: CrashLoopVerdict;
  /** The failed stops of the invocation that reached the threshold. */
  stops: FailedStop[];
  dryRun: boolean;
  occurredAt: string;
  /** The deployment's own account and region; absent, the service is taken to be there. */
  home?: Place;
}

/**
 * The incident of a service's crash loop on one revision: the same names in another account or region are another
 * incident (the outbox and the notifier de-duplicate on it). Pure. Home's keep their form across an upgrade.
 */
export function crashLoopIncidentId(
  report: Pick<CrashLoopReport, 'cluster' | 'service' | 'account' | 'region' | 'home'>,
  revision: string,
): string {
  const place = { account: report.account, region: report.region };
  const where = samePlace(place, report.home ?? place) ? '' : `${place.account}/${place.region}/`;
  return `crash-loop/${where}${report.cluster}/${report.service}/${revision}`;
}

/** Distinct values, most frequent first, each with how often it was seen. */
function tally(values: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

const times = (n: number) => (n > 1 ? ` (×${n})` : '');

/** The one critical alert of a crash loop: how many failed, why, on which revision and deployment, what to do. Pure. */
export function crashLoopAlert(report: CrashLoopReport): Alert {
  const { cluster, service, region, verdict, stops } = report;
  const minutes = Math.round(report.windowSeconds / 60);
  const reasons = tally(stops.map((s) => s.stoppedReason ?? s.classification.summary));
  const revisions = tally(stops.flatMap((s) => (s.taskDefinitionArn ? [taskDefinitionOf(s.taskDefinitionArn)] : [])));
  const deployments = tally(stops.flatMap((s) => (s.startedBy?.startsWith('ecs-svc/') ? [s.startedBy] : [])));
  const revision = revisions[0]?.[0] ?? 'unknown';
  return buildAlert({
    event: { region, account: report.account },
    incidentId: crashLoopIncidentId(report, revision),
    severity: 'critical',
    kind: 'task-stopped/crash-loop',
    service: { clusterName: cluster, serviceName: service },
    headline: `crash loop, ${verdict.failedStops} failed tasks in ${minutes} min`,
    description: [
      `*What happened:* ${verdict.failedStops} tasks of \`${cluster}/${service}\` failed within ${minutes} minutes: the threshold is ${verdict.threshold} (half the desired count of ${report.desiredCount}, at least 3, at most 200, as ECS's deployment circuit breaker counts).`,
      `*Stop reasons seen:*\n${reasons.map(([r, n]) => `• ${r}${times(n)}`).join('\n') || '• none recorded'}`,
      `*Task definition:* ${revisions.map(([r, n]) => `\`${r}\`${times(n)}`).join(', ') || 'unknown'}.`,
      `*Deployment:* ${deployments.map(([d, n]) => `\`${d}\`${times(n)}`).join(', ') || 'none: the tasks were not started by a deployment'}.`,
      '*What ecs-autopilot did:*\n• each stop was handled on its own (its targets deregistered); nothing is rolled back or scaled for a crash loop',
    ],
    nextSteps: [
      deployments.length > 0
        ? 'A deployment is starting these tasks: roll it back to the previous task definition (or let the circuit breaker do it) before reading logs.'
        : 'No deployment started these tasks: check what changed underneath them (a secret, a dependency, capacity).',
      `Read the last log lines of a stopped task of \`${revision}\`: the stop reasons above say where to look.`,
    ],
    keywords: ['crash-loop', ...new Set(stops.map((s) => s.classification.kind))],
    links: [{ service: { clusterName: cluster, serviceName: service } }],
    relatedResources: [...new Set(stops.map((s) => s.taskArn))].slice(0, 20),
    dryRun: report.dryRun,
    occurredAt: report.occurredAt,
    facts: [
      { label: 'Failed tasks', value: String(verdict.failedStops) },
      { label: 'Threshold', value: String(verdict.threshold) },
      { label: 'Task definition', value: revision },
    ],
  });
}
