import type { Logger } from '@aws-lambda-powertools/logger';
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { serviceManagement } from '../config/managed.js';
import type { AutopilotConfig } from '../config/schema.js';
import type { AlarmStateChangeEvent } from '../events/alarm-state-change.js';
import { foreignOrigin, type Home } from '../events/origin.js';
import type { AuditRecord } from '../executor/audit.js';
import { Executor } from '../executor/executor.js';
import { setScalableTargetBounds } from '../executor/kinds/application-auto-scaling.js';
import { setDesiredCount, stopTask, tagService } from '../executor/kinds/ecs.js';
import { deregisterTargets } from '../executor/kinds/elbv2.js';
import type { TargetGroupLeases } from '../executor/target-group-lease.js';
import { currentTime } from '../lambda/clock.js';
import { type EventMetrics, eventMetrics, type IgnoredReason } from '../logging/metrics.js';
import type { Alert } from '../notify/alert.js';
import { truncateText } from '../notify/bound.js';
import { enqueueAlert } from '../notify/outbox.js';
import type { ObservationCache } from '../services/observation-cache.js';
import { ClusterNotFoundError, describeService, observeManagedServices } from '../services/observe.js';
import type { ServiceState } from '../services/types.js';
import type { StateStore } from '../state/index.js';
import { planEpisodeDeregistrations } from './deregister.js';
import { scalingDirection } from './direction.js';
import { episodeOf } from './episode.js';
import type { AlarmPlan } from './plan.js';
import { alarmAlert } from './report.js';
import { alarmStaleness, matchAlarmRule, resolveAlarmResource } from './resolve.js';
import { planEpisodeScaling } from './scale.js';

export interface AlarmReactionDeps {
  config: AutopilotConfig;
  clients: {
    ecs: ECSClient;
    elbv2: ElasticLoadBalancingV2Client;
    autoScaling: ApplicationAutoScalingClient;
    sqs: SQSClient;
  };
  outboxUrl: string;
  cache: ObservationCache;
  /** Where alarm episodes and cooldowns are recorded, conditionally, before any change. */
  state: Pick<StateStore, 'get' | 'create'>;
  /** The account and region this deployment manages; events of others are not acted on. */
  home?: Home;
  /** The deployment's own account and region, when `home` is a member place it acts in: keys its records apart. */
  deployment?: Home;
  /** The per-target-group leases the task path takes too: a deregistration is re-read and re-judged under them. */
  targetGroupLeases?: TargetGroupLeases;
  logger: Logger;
  metrics?: EventMetrics;
  now?: () => Date;
}

/** What happened with one alarm event. */
export interface AlarmReaction {
  eventId: string;
  alarmName: string;
  ignored?: string;
  reaction?: string;
  service?: { clusterName: string; serviceName: string };
  plan?: AlarmPlan;
  audit: AuditRecord[];
  alert?: Alert;
}

/** The managed service whose load balancers include the target group. */
function ownerOf(services: readonly ServiceState[], targetGroupArn: string): ServiceState | undefined {
  return services.find((s) => s.loadBalancers.some((lb) => lb.targetGroupArn === targetGroupArn));
}

/** observe → plan → guard → apply → verify → report, for one `CloudWatch Alarm State Change` event. */
export async function reactToAlarmStateChange(
  event: AlarmStateChangeEvent,
  deps: AlarmReactionDeps,
): Promise<AlarmReaction> {
  const { config, clients, logger } = deps;
  const now = deps.now ?? currentTime;
  const { alarmName, state, previousState } = event.detail;
  const base = { eventId: event.id, alarmName, audit: [] as AuditRecord[] };
  const metrics = deps.metrics ?? eventMetrics('alarm-state-change');
  // Dropped without an alert, so never silently: an info line and a count an operator can alarm on.
  const ignore = (reason: IgnoredReason, why: string): AlarmReaction => {
    logger.info(`ignored: ${why}`, { alarmName, reason });
    metrics.ignored(reason);
    return { ...base, ignored: why };
  };
  const foreign = deps.home && foreignOrigin(event, deps.home, event.resources);
  if (foreign) return ignore('foreign', foreign);
  const fired = state.value === 'ALARM' && previousState.value !== 'ALARM';
  const recovered = state.value === 'OK' && previousState.value === 'ALARM';
  if (!fired && !recovered) {
    return ignore('not-a-transition', `${previousState.value} → ${state.value} is not a transition to react to`);
  }
  const stale = alarmStaleness(event, now(), config.events.maxAgeSeconds);
  if (stale) return ignore(stale.startsWith('stale') ? 'stale' : 'future-dated', stale);
  const rule = matchAlarmRule(config.alarms, event);
  if (!rule) return ignore('no-matching-rule', `no alarm rule matches ${alarmName}`);

  const report = async (
    fields: Omit<AlarmReaction, 'eventId' | 'alarmName' | 'audit'> & { audit?: AuditRecord[]; serviceArn?: string },
  ) => {
    const audit = fields.audit ?? [];
    const reaction = fields.reaction ?? rule.reaction;
    const alert = alarmAlert({
      event,
      reaction,
      service: fields.service ? { ...fields.service, serviceArn: fields.serviceArn } : undefined,
      audit,
      notes: fields.plan?.notes ?? (fields.ignored ? [fields.ignored] : []),
      dryRun: config.dryRun,
    });
    await enqueueAlert(clients.sqs, deps.outboxUrl, alert);
    logger.info(`alert queued: ${alert.title}`, { incidentId: alert.incidentId, severity: alert.severity });
    return {
      ...base,
      reaction,
      service: fields.service,
      plan: fields.plan,
      ignored: fields.ignored,
      audit,
      alert,
    };
  };

  const { actionsSuppressedBy: suppressedBy, actionsSuppressedReason: suppressedWhy } = state;
  if (fired && suppressedBy && rule.actionsSuppressed === 'respect') {
    return report({
      reaction: 'suppressed',
      ignored: `CloudWatch suppressed this alarm's actions (${suppressedBy}${suppressedWhy ? `: ${suppressedWhy}` : ''}); nothing was changed, as the rule's actionsSuppressed: respect asks`,
    });
  }

  // observe: the resource, then the managed service behind it
  const resource = resolveAlarmResource(event);
  if (recovered || rule.reaction === 'notify-only' || resource.kind === 'none') {
    const why =
      resource.kind === 'none' && rule.reaction !== 'notify-only' ? `notify only: ${resource.why}` : undefined;
    return report({ ignored: why, reaction: recovered ? rule.reaction : 'notify-only' });
  }
  let service: ServiceState | undefined;
  let disagreement: string | undefined;
  if (resource.kind === 'target-group') {
    const managed = await observeManagedServices(clients.ecs, config);
    service = ownerOf(managed.services, resource.targetGroupArn);
    disagreement = managed.missingClusters.map((e) => `the config and AWS disagree: ${e.message}`).join('; ');
    if (!service) {
      const why = `notify only: no managed service uses the target group${disagreement ? ` (${disagreement})` : ''}`;
      return report({ ignored: why, reaction: 'notify-only' });
    }
  } else {
    const management = serviceManagement(config, resource.clusterName, resource.serviceName);
    if (!management.managed) return report({ ignored: `notify only: ${management.why}`, reaction: 'notify-only' });
    try {
      service = await describeService(clients.ecs, resource.clusterName, resource.serviceName);
    } catch (error) {
      if (!(error instanceof ClusterNotFoundError)) throw error;
      return report({ ignored: `notify only: the config and AWS disagree: ${error.message}`, reaction: 'notify-only' });
    }
    if (!service) {
      return report({
        ignored: `notify only: service ${resource.serviceName} does not exist`,
        reaction: 'notify-only',
      });
    }
  }
  const subject = { clusterName: service.clusterName, serviceName: service.serviceName };
  if (service.disabledByTag)
    return report({ service: subject, ignored: 'notify only: the service carries ecs-autopilot:disabled' });
  const why = `alarm ${alarmName} fired: ${truncateText(state.reason ?? 'threshold crossed', 300)}`;

  // plan: the episode's decision, recorded before any change
  const episode = episodeOf(event);
  let plan: AlarmPlan;
  let reaction: string = rule.reaction;
  if (rule.reaction === 'deregister-unhealthy') {
    const targetGroupArns =
      resource.kind === 'target-group'
        ? [resource.targetGroupArn]
        : service.loadBalancers.map((lb) => lb.targetGroupArn);
    plan = await planEpisodeDeregistrations(
      { clients, cache: deps.cache, state: deps.state, dryRun: config.dryRun },
      { rule, service, targetGroupArns, episode, why },
    );
  } else {
    const decided = scalingDirection(event.detail, rule.reaction);
    if (decided.direction === undefined) {
      return report({ service: subject, serviceArn: service.serviceArn, plan: { actions: [], notes: [decided.why] } });
    }
    reaction = decided.direction === 'out' ? 'scale-out' : 'scale-in';
    plan = await planEpisodeScaling(
      { config, autoScaling: clients.autoScaling, state: deps.state, now, ...servicePlaceOf(deps) },
      { rule: { ...rule, reaction: reaction as 'scale-out' | 'scale-in' }, service, episode, why },
    );
    if (decided.because) plan.notes.unshift(decided.because);
  }
  if (disagreement) plan.notes.push(disagreement);
  logger.info(`planned ${plan.actions.length} action(s) for alarm ${alarmName} (${rule.reaction})`, {
    subject,
    notes: plan.notes,
  });

  // guard → apply → verify
  const executor = new Executor({
    clients: { ecs: clients.ecs, elbv2: clients.elbv2, autoScaling: clients.autoScaling },
    kinds: {
      'deregister-targets': deregisterTargets,
      'stop-task': stopTask,
      'set-desired-count': setDesiredCount,
      'set-scalable-target-bounds': setScalableTargetBounds,
      'tag-service': tagService,
    },
    logger,
    dryRun: config.dryRun,
    verification: config.verification,
    now,
    targetGroupLeases: deps.targetGroupLeases,
  });
  const audit = await executor.run(plan.actions);

  // report
  return report({ service: subject, serviceArn: service.serviceArn, plan, audit, reaction });
}

/** Where the alarm's service lives against the deployment's own place, when both are known. */
function servicePlaceOf(deps: Pick<AlarmReactionDeps, 'home' | 'deployment'>): { where?: { place: Home; home: Home } } {
  return deps.home ? { where: { place: deps.home, home: deps.deployment ?? deps.home } } : {};
}
