import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeTargetGroupAttributesCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CanaryConfig } from '../config/canary.js';
import { actionArnOf } from '../config/canary-action.js';
import { disabledByTag } from '../config/managed.js';
import { readScalableTargets } from '../services/read-scalable-targets.js';
import { forwardSnapshotOf } from '../targets/forward.js';
import { readActionList } from '../targets/forward-read.js';
import { observeTargetGroupHealth } from '../targets/observe.js';
import { observeGateAlarms } from './gate-alarms.js';
import { readSideMinutes } from './metrics.js';
import type { CanaryRecord } from './status.js';
import type { AlarmObservation, CanaryObservation, SideObservation } from './types.js';

export interface CanaryClients {
  elbv2: ElasticLoadBalancingV2Client;
  ecs: ECSClient;
  cloudwatch: CloudWatchClient;
  autoScaling: ApplicationAutoScalingClient;
}

/** A side as observed, with the kill-switch tag of its service. */
export type ObservedSide = SideObservation & { disabledByTag: boolean };

/** Both sides of a canary in config order: services, scalable targets, target-group health, deregistration delays. */
export async function observeSides(
  clients: CanaryClients,
  config: CanaryConfig,
): Promise<[ObservedSide, ObservedSide]> {
  const names = config.sides.map((s) => s.service);
  const [out, scalable] = await Promise.all([
    clients.ecs.send(new DescribeServicesCommand({ cluster: config.cluster, services: names, include: ['TAGS'] })),
    readScalableTargets(clients.autoScaling, config.cluster, names),
  ]);
  const sides = await Promise.all(
    config.sides.map(async (side): Promise<ObservedSide> => {
      const service = out.services?.find((s) => s.serviceName === side.service && s.status !== 'INACTIVE');
      if (!service) throw new Error(`service ${side.service} not found in cluster ${config.cluster}`);
      const [health, attributes] = await Promise.all([
        observeTargetGroupHealth(clients.elbv2, side.targetGroupArn),
        clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: side.targetGroupArn })),
      ]);
      const delay = attributes.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
      const strategy = service.deploymentConfiguration?.strategy;
      const scalableTarget = scalable.get(side.service);
      return {
        service: side.service,
        desiredCount: service.desiredCount ?? 0,
        runningCount: service.runningCount ?? 0,
        taskDefinition: service.taskDefinition ?? '',
        deploying:
          (service.deployments ?? []).filter((d) => d.status === 'ACTIVE' || d.status === 'PRIMARY').length > 1,
        ...(strategy && strategy !== 'ROLLING' ? { ecsStrategy: strategy } : {}),
        targetGroupArn: side.targetGroupArn,
        healthyTargets: health.targets.filter((t) => t.state === 'healthy').length,
        registeredTargets: health.targets.filter((t) => t.state !== 'draining' && t.state !== 'not-registered').length,
        deregistrationDelaySeconds: delay === undefined ? 300 : Number(delay),
        ...(scalableTarget ? { scalableTarget } : {}),
        disabledByTag: disabledByTag(service.tags),
      };
    }),
  );
  return sides as [ObservedSide, ObservedSide];
}

/** The gate alarms' states; an alarm that does not exist is reported MISSING (it gates nothing, status shows it). */
export async function observeAlarms(
  cloudwatch: CloudWatchClient,
  names: readonly string[],
): Promise<AlarmObservation[]> {
  const { alarms } = await observeGateAlarms(cloudwatch, names);
  const found = new Map(alarms.map((alarm) => [alarm.name, alarm.state]));
  return names.map((name) => ({ name, state: found.get(name) ?? 'MISSING' }));
}

/**
 * When the judged period begins: the release's first weight on the canary, else one bake time back (a minute at
 * least); never more than a day back, however long the release has run. Pure.
 */
export function judgedFrom(config: CanaryConfig, record: CanaryRecord, now: string): string {
  const first = record.history.find((h) => h.to === 'ramping' && h.from === 'pending')?.at;
  const earliest = Date.parse(now) - 24 * 3600_000;
  const from = first ? Date.parse(first) : Date.parse(now) - Math.max(config.bakeMinutes, 1) * 60_000;
  return new Date(Math.max(from, earliest)).toISOString();
}

/** Everything one tick of one canary decides from, read fresh. */
export async function observeCanary(
  clients: CanaryClients,
  config: CanaryConfig,
  record: CanaryRecord,
  now: string,
): Promise<CanaryObservation & { killSwitch: boolean }> {
  const actionArn = actionArnOf(config);
  const [actions, sides, alarms, metrics] = await Promise.all([
    readActionList(clients.elbv2, actionArn),
    observeSides(clients, config),
    observeAlarms(clients.cloudwatch, config.gateAlarms),
    readSideMinutes(clients.cloudwatch, {
      actionArn,
      canaryTargetGroupArn: record.canary.targetGroupArn,
      stableTargetGroupArn: record.stable.targetGroupArn,
      from: judgedFrom(config, record, now),
      now,
    }),
  ]);
  const bySide = (arn: string) => sides.find((s) => s.targetGroupArn === arn) as ObservedSide;
  const forward = forwardSnapshotOf(actions);
  return {
    now,
    ...(forward ? { forward } : {}),
    canary: bySide(record.canary.targetGroupArn),
    stable: bySide(record.stable.targetGroupArn),
    alarms,
    metrics,
    killSwitch: sides.some((s) => s.disabledByTag),
  };
}
