import type { ACMClient } from '@aws-sdk/client-acm';
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { targetGroupNameOf } from '../aws/arn.js';
import { serviceManagement } from '../config/managed.js';
import type { AutopilotConfig } from '../config/schema.js';
import { scalableTargetResourceId } from '../services/scalable-target.js';
import {
  observeCertificates,
  observeLoadBalancers,
  observeSecurityGroups,
  observeSslPolicies,
  observeTargetGroups,
} from './observe-load-balancers.js';
import {
  type AuditScope,
  clusterNames,
  describeClusterServices,
  observedService,
  observeScaling,
  serviceReader,
} from './observe-services.js';
import type { AuditObservation, ObservedService } from './types.js';

export type { AuditScope } from './observe-services.js';

export interface AuditClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  ec2: EC2Client;
  acm: ACMClient;
  autoScaling: ApplicationAutoScalingClient;
}

export interface ObserveAuditInput {
  clients: AuditClients;
  region: string;
  now: Date;
  scope: AuditScope;
  /** The product's config, when there is one: which services ecs-autopilot scales. */
  config?: AutopilotConfig;
}

/** What one run read, and what it could not read (each named, with why): the rest is audited all the same. */
export interface AuditRead {
  observation: AuditObservation;
  notAudited: string[];
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Reads everything the checks look at, read-only: paginated, batched to each API's limit, and each resource read
 * once per run however many services share it.
 */
export async function observeAudit(input: ObserveAuditInput): Promise<AuditRead> {
  const { ecs, elbv2, ec2, acm, autoScaling } = input.clients;
  const notAudited: string[] = [];
  const reader = serviceReader(ecs, ec2);
  const services: Array<Omit<ObservedService, 'scalableTarget' | 'scalingPolicyNames' | 'scaledByAutopilot'>> = [];
  for (const clusterName of await clusterNames(ecs, input.scope)) {
    try {
      for (const service of await describeClusterServices(ecs, clusterName, input.scope.services)) {
        const definition = await reader.taskDefinition(service.taskDefinition ?? '');
        const bridged = definition.networkMode !== 'awsvpc' && (service.loadBalancers ?? []).length > 0;
        const instanceGroups = bridged ? await reader.instanceSecurityGroups(clusterName) : [];
        services.push(observedService(clusterName, service, definition, instanceGroups));
      }
    } catch (error) {
      notAudited.push(`cluster ${clusterName}: ${messageOf(error)}`);
    }
  }

  const resourceId = (s: { clusterName: string; serviceName: string }) =>
    scalableTargetResourceId(s.clusterName, s.serviceName);
  const scaling = await observeScaling(autoScaling, services.map(resourceId));
  const observedServices: ObservedService[] = services.map((s) => {
    const managed = input.config ? serviceManagement(input.config, s.clusterName, s.serviceName) : undefined;
    const target = scaling.targets.get(resourceId(s));
    return {
      ...s,
      ...(target && { scalableTarget: target }),
      scalingPolicyNames: scaling.policies.get(resourceId(s)) ?? [],
      scaledByAutopilot: managed?.managed === true && managed.scaling !== undefined,
    };
  });

  const targetGroupArns = [
    ...new Set(observedServices.flatMap((s) => s.loadBalancers.flatMap((l) => l.targetGroupArn ?? []))),
  ];
  const targetGroups = await observeTargetGroups(elbv2, targetGroupArns, (arn, error) =>
    notAudited.push(`target group ${targetGroupNameOf(arn)}: ${messageOf(error)}`),
  );
  const loadBalancerArns = [...new Set(Object.values(targetGroups).flatMap((g) => g.loadBalancerArns))];
  const loadBalancers = await observeLoadBalancers(elbv2, loadBalancerArns);
  const listeners = Object.values(loadBalancers).flatMap((lb) => lb.listeners);
  const secure = listeners.filter((l) => l.protocol === 'HTTPS' || l.protocol === 'TLS');
  const sslPolicies = await observeSslPolicies(elbv2, [...new Set(secure.flatMap((l) => l.sslPolicy ?? []))]);
  const certificates = await observeCertificates(acm, [...new Set(listeners.flatMap((l) => l.certificateArns))]);
  const groupIds = new Set([
    ...observedServices.flatMap((s) => s.taskSecurityGroupIds),
    ...Object.values(loadBalancers).flatMap((lb) => lb.securityGroupIds),
  ]);
  const securityGroups = await observeSecurityGroups(ec2, [...groupIds]);

  const canaries = (input.config?.canaries ?? []).filter((c) => c.enabled);
  return {
    observation: {
      region: input.region,
      now: input.now.toISOString(),
      services: observedServices,
      targetGroups,
      loadBalancers,
      securityGroups,
      sslPolicies,
      certificates,
      canaryRuleArns: canaries.flatMap((c) => c.listenerArn ?? c.ruleArn ?? []),
      canaryTargetGroupArns: canaries.flatMap((c) => c.sides.map((side) => side.targetGroupArn)),
    },
    notAudited,
  };
}
