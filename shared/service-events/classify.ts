import { clusterNameOf, isServiceArn, serviceClusterNameOf, serviceNameOf } from '../aws/arn.js';
import type { ServiceEvent } from '../events/service-events.js';
import type { AlertSeverity } from '../notify/alert.js';

/** The service an event is about, read from its `resources` (and, for service actions, `detail.clusterArn`). */
export interface ServiceSubject {
  clusterName: string;
  serviceName: string;
  serviceArn: string;
}

/** The verdict on one service event: stay quiet (and why), or alert with what to say. */
export type ServiceEventClassification =
  | { alert: false; why: string }
  | {
      alert: true;
      /** The event name in lower case with dashes, or `service-deployment-rollback` for a rolled-back deployment. */
      kind: string;
      severity: AlertSeverity;
      /** What happened in a few words: the part of the title after `<cluster>/<service>: `. */
      headline: string;
      /** One line a person can read: what happened, with the evidence the event gives. */
      summary: string;
      nextSteps: string[];
    };

const steadyStates = new Set(['SERVICE_STEADY_STATE', 'TASKSET_STEADY_STATE', 'CAPACITY_PROVIDER_STEADY_STATE']);

/** Placement failure reasons ECS reports in `detail.reason`, in the words of the person who must fix them. */
const placementReasons: Record<string, string> = {
  'RESOURCE:CPU': 'no container instance has enough free CPU for the task',
  'RESOURCE:MEMORY': 'no container instance has enough free memory for the task',
  'RESOURCE:FARGATE': 'Fargate has no capacity for the task right now',
};

/** `SERVICE_TASK_PLACEMENT_FAILURE` → `service-task-placement-failure`. */
export function kindOf(eventName: string): string {
  return eventName.toLowerCase().replaceAll('_', '-');
}

/** A deployment event whose reason says it is (or was) a rollback; the rule's `reason` wildcards match the same words. */
function isRollback(reason: string): boolean {
  return /circuit breaker|rolling back|rolled back/i.test(reason);
}

/** Reads the service from the event: the first service ARN of `resources`; its cluster from `detail.clusterArn` first. */
export function serviceSubject(event: ServiceEvent): ServiceSubject | { why: string } {
  for (const serviceArn of event.resources.filter(isServiceArn)) {
    const clusterArn = event['detail-type'] === 'ECS Service Action' ? event.detail.clusterArn : undefined;
    const clusterName = (clusterArn ? clusterNameOf(clusterArn) : undefined) ?? serviceClusterNameOf(serviceArn);
    if (!clusterName) return { why: `the service ARN ${serviceArn} does not name its cluster, nor does the event` };
    return { clusterName, serviceName: serviceNameOf(serviceArn), serviceArn };
  }
  return { why: `no ECS service ARN in the event's resources (${event.resources.join(', ') || 'none'})` };
}

function placementFailure(reason: string | undefined): ServiceEventClassification {
  const explained = reason ? (placementReasons[reason] ?? reason) : 'no reason given';
  // Stryker disable next-line StringLiteral: equivalent, no text but ECS's own reason matches the pattern
  const fargate = reason === 'RESOURCE:FARGATE' || /capacity is unavailable/i.test(reason ?? '');
  const ec2 = reason === 'RESOURCE:CPU' || reason === 'RESOURCE:MEMORY';
  return {
    alert: true,
    kind: 'service-task-placement-failure',
    // ECS calls it ERROR: no new task can run, so the service stays below its desired count until capacity or
    // constraints change, which ECS does not do on its own.
    severity: 'critical',
    headline: `tasks cannot be placed${reason ? ` (${reason})` : ''}`,
    summary: `ECS cannot place new tasks of the service: ${explained}`,
    nextSteps: [
      ...(fargate
        ? [
            "Give the service subnets in more Availability Zones, or add an on-demand FARGATE base to a FARGATE_SPOT capacity provider strategy; Fargate's capacity differs by zone and task size.",
          ]
        : []),
      ...(ec2
        ? [
            "Add capacity: raise the Auto Scaling group behind the cluster's capacity provider (or turn on managed scaling), or lower the task definition's cpu/memory reservation.",
          ]
        : []),
      "Check the service's placement constraints and the capacity providers the event names; the service's Events tab has ECS's full message.",
    ],
  };
}

/** The verdict for event names that concern the service as a whole (`ECS Service Action`). */
function classifyServiceAction(eventName: string, reason: string | undefined): ServiceEventClassification | undefined {
  const given = reason ? `: ${reason}` : '';
  switch (eventName) {
    case 'SERVICE_TASK_PLACEMENT_FAILURE':
      return placementFailure(reason);
    case 'SERVICE_TASK_START_IMPAIRED':
      return {
        alert: true,
        kind: kindOf(eventName),
        // ECS calls it WARN: the scheduler keeps retrying, every failed task is alerted on its own (critical) with
        // its cause, and a failing deployment escalates to SERVICE_DEPLOYMENT_FAILED with the circuit breaker.
        severity: 'warning',
        headline: 'tasks keep failing to start',
        summary: `ECS cannot start tasks of the service consistently${given}`,
        nextSteps: [
          "Open the service's stopped tasks: their stop reason names the cause (image pull, secrets, health checks, an essential container's exit).",
          'If a deployment is in progress without a circuit breaker, roll it back by hand: ECS retries with back-off but does not give up.',
        ],
      };
    case 'SERVICE_TASK_CONFIGURATION_FAILURE':
      return {
        alert: true,
        kind: kindOf(eventName),
        // ECS calls it ERROR, and nothing changes until a person fixes the service or its task definition.
        severity: 'critical',
        headline: 'its configuration keeps tasks from starting',
        summary: `the service's configuration prevents ECS from starting or stopping tasks${given}`,
        nextSteps: [
          "Read ECS's reason and the service's Events tab: a deployment configuration without room (minimumHealthyPercent / maximumPercent), tags that cannot be propagated, or a target group or registry that no longer exists.",
          'Fix the service or the task definition and redeploy: ECS does not recover from this on its own.',
        ],
      };
    case 'ECS_OPERATION_THROTTLED':
    case 'SERVICE_DISCOVERY_OPERATION_THROTTLED': {
      const api = eventName === 'ECS_OPERATION_THROTTLED' ? 'ECS' : 'AWS Cloud Map (service discovery)';
      return {
        alert: true,
        kind: kindOf(eventName),
        // The scheduler retries by itself; it only slows down until the callers that use up the quota back off.
        severity: 'warning',
        headline: `the ECS scheduler is throttled by the ${api} API`,
        summary: `the service scheduler hit the ${api} API rate limits, so its work on the service is delayed${given}`,
        nextSteps: [
          `Find who else calls the ${api} API in this account and Region (CloudTrail: ThrottlingException), such as a deploy loop or a polling script.`,
          'If it persists, ask for a higher rate limit through AWS Support.',
        ],
      };
    }
  }
  return undefined;
}

/** The verdict for `ECS Deployment State Change` events (ECS also sends the same names as service actions). */
function classifyDeployment(
  eventName: string,
  deploymentId: string | undefined,
  reason: string | undefined,
): ServiceEventClassification | undefined {
  const deployment = deploymentId ? `deployment ${deploymentId}` : 'the deployment';
  if (eventName === 'SERVICE_DEPLOYMENT_FAILED') {
    // Stryker disable next-line StringLiteral: equivalent, no text but ECS's own reason matches the pattern
    const breaker = /circuit breaker/i.test(reason ?? '');
    return {
      alert: true,
      kind: kindOf(eventName),
      severity: 'critical',
      headline: `${deployment} failed`,
      summary: `${deployment} failed${breaker ? ', stopped by the deployment circuit breaker' : ''}: ${reason ?? 'no reason given'}`,
      nextSteps: [
        'With rollback on, ECS now rolls back to the last completed deployment (a rollback alert follows); without it, the service keeps the tasks it has and starts no new ones: roll back or fix and redeploy.',
        "Open the deployment's stopped tasks: their stop reason says why they failed.",
      ],
    };
  }
  if (eventName !== 'SERVICE_DEPLOYMENT_IN_PROGRESS' && eventName !== 'SERVICE_DEPLOYMENT_COMPLETED') return undefined;
  if (!reason || !isRollback(reason)) {
    return { alert: false, why: `routine deployment progress (${eventName})` };
  }
  const done = eventName === 'SERVICE_DEPLOYMENT_COMPLETED';
  return {
    alert: true,
    kind: 'service-deployment-rollback',
    severity: 'critical',
    headline: done ? `${deployment} rolled back` : `rolling back (${deployment})`,
    summary: `${done ? 'the service was rolled back' : 'the service is being rolled back'}: ${reason}`,
    nextSteps: [
      'The new revision did not reach a steady state: find out why in the stopped tasks of the failed deployment before deploying it again.',
      "Check that the rollback itself reaches a steady state (the service's Deployments tab).",
    ],
  };
}

/**
 * Decides from the event alone whether it deserves an alert, how severe, and what to say. Pure.
 * Steady states and deployment progress stay quiet; an event name this does not know alerts as a warning when ECS
 * itself calls it WARN or ERROR.
 */
export function classifyServiceEvent(event: ServiceEvent): ServiceEventClassification {
  const { eventName, eventType } = event.detail;
  const reason = event.detail.reason?.trim() || undefined;
  if (steadyStates.has(eventName)) return { alert: false, why: `steady state (${eventName})` };
  const deploymentId = event['detail-type'] === 'ECS Deployment State Change' ? event.detail.deploymentId : undefined;
  const known = classifyDeployment(eventName, deploymentId, reason) ?? classifyServiceAction(eventName, reason);
  if (known) return known;
  if (eventType !== 'ERROR' && eventType !== 'WARN') {
    return { alert: false, why: `informational event ${eventName} (${eventType})` };
  }
  return {
    alert: true,
    kind: kindOf(eventName),
    severity: 'warning',
    headline: `ECS reports ${eventName}`,
    summary: `ECS reported ${eventName} (${eventType}) for the service${reason ? `: ${reason}` : ''}`,
    nextSteps: ["Open the service's Events tab for ECS's full message, and the ECS documentation of service events."],
  };
}
