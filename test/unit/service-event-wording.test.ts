import { describe, expect, it } from 'vitest';
import type { ServiceEvent } from '#shared/events/service-events.js';
import { classifyServiceEvent, serviceSubject } from '#shared/service-events/classify.js';
import { alerting, sample } from '#test/support/service-events.js';

const DEPLOYMENT = 'ecs-svc/2222222222222222222';

/** A service action (`start-impaired` sample) or a deployment event (`deployment-failed` sample) with this name and reason. */
function event(source: 'action' | 'deployment', eventName: string, reason?: string, eventType = 'ERROR'): ServiceEvent {
  const e = sample(source === 'action' ? 'service-task-start-impaired' : 'deployment-failed');
  e.detail.eventName = eventName;
  e.detail.eventType = eventType;
  if (reason === undefined) delete e.detail.reason;
  else e.detail.reason = reason;
  return e;
}

/** The alert's words, and each next step reduced to whether it matches its expected pattern. */
function words(e: ServiceEvent, steps: RegExp[]) {
  const { kind, severity, headline, summary, nextSteps } = alerting(classifyServiceEvent(e));
  return { kind, severity, headline, summary, steps: nextSteps.map((step, i) => steps[i]?.test(step) ?? step) };
}
const matched = (steps: RegExp[]) => steps.map(() => true);

const capacity = /^Add capacity: raise the Auto Scaling group/;
const zones = /^Give the service subnets in more Availability Zones/;
const constraints = /^Check the service's placement constraints/;

describe('Classification: the words of a placement failure', () => {
  it.each([
    ['RESOURCE:CPU', 'no container instance has enough free CPU for the task', [capacity, constraints]],
    ['RESOURCE:MEMORY', 'no container instance has enough free memory for the task', [capacity, constraints]],
    ['RESOURCE:FARGATE', 'Fargate has no capacity for the task right now', [zones, constraints]],
    ['Capacity is unavailable at this time.', 'Capacity is unavailable at this time.', [zones, constraints]],
    ['MemberOf constraint not met', 'MemberOf constraint not met', [constraints]],
  ])('explains %s and gives the steps that fit it', (reason, explained, steps) => {
    // Act
    const said = words(event('action', 'SERVICE_TASK_PLACEMENT_FAILURE', reason), steps);

    // Assess
    expect(said).toEqual({
      kind: 'service-task-placement-failure',
      severity: 'critical',
      headline: `tasks cannot be placed (${reason})`,
      summary: `ECS cannot place new tasks of the service: ${explained}`,
      steps: matched(steps),
    });
  });

  it('says no reason was given, for a missing or blank reason', () => {
    // Act
    const [missing, blank] = [undefined, '   '].map((reason) =>
      words(event('action', 'SERVICE_TASK_PLACEMENT_FAILURE', reason), [constraints]),
    );

    // Assess
    expect(missing).toMatchObject({
      headline: 'tasks cannot be placed',
      summary: 'ECS cannot place new tasks of the service: no reason given',
      steps: [true],
    });
    expect(blank).toEqual(missing);
  });
});

describe('Classification: the words of the other service actions', () => {
  it.each([
    [
      'SERVICE_TASK_START_IMPAIRED',
      'warning',
      'tasks keep failing to start',
      'ECS cannot start tasks of the service consistently',
      [/^Open the service's stopped tasks/, /roll it back by hand/],
    ],
    [
      'SERVICE_TASK_CONFIGURATION_FAILURE',
      'critical',
      'its configuration keeps tasks from starting',
      "the service's configuration prevents ECS from starting or stopping tasks",
      [/minimumHealthyPercent \/ maximumPercent/, /^Fix the service or the task definition and redeploy/],
    ],
    [
      'ECS_OPERATION_THROTTLED',
      'warning',
      'the ECS scheduler is throttled by the ECS API',
      'the service scheduler hit the ECS API rate limits, so its work on the service is delayed',
      [/^Find who else calls the ECS API in this account/, /AWS Support/],
    ],
    [
      'SERVICE_DISCOVERY_OPERATION_THROTTLED',
      'warning',
      'the ECS scheduler is throttled by the AWS Cloud Map (service discovery) API',
      'the service scheduler hit the AWS Cloud Map (service discovery) API rate limits, so its work on the service is delayed',
      [/^Find who else calls the AWS Cloud Map \(service discovery\) API/, /AWS Support/],
    ],
  ])('words %s as %s, with ECS reason when it gives one', (eventName, severity, headline, summary, steps) => {
    // Act
    const withReason = words(event('action', eventName, ' the reason '), steps);
    const without = words(event('action', eventName), steps);

    // Assess
    const kind = eventName.toLowerCase().replaceAll('_', '-');
    expect(withReason).toEqual({ kind, severity, headline, summary: `${summary}: the reason`, steps: matched(steps) });
    expect(without).toEqual({ kind, severity, headline, summary, steps: matched(steps) });
  });

  it('words an event name it does not know with its type, and stays quiet on an informational one', () => {
    // Act
    const warned = words(event('action', 'SERVICE_NEW_THING', 'why', 'WARN'), [/Events tab/]);
    const bare = words(event('action', 'SERVICE_NEW_THING', undefined, 'ERROR'), [/Events tab/]);
    const info = classifyServiceEvent(event('action', 'SERVICE_NEW_THING', 'why', 'INFO'));

    // Assess
    expect(warned).toEqual({
      kind: 'service-new-thing',
      severity: 'warning',
      headline: 'ECS reports SERVICE_NEW_THING',
      summary: 'ECS reported SERVICE_NEW_THING (WARN) for the service: why',
      steps: [true],
    });
    expect(bare.summary).toBe('ECS reported SERVICE_NEW_THING (ERROR) for the service');
    expect(info).toEqual({ alert: false, why: 'informational event SERVICE_NEW_THING (INFO)' });
  });
});

describe('Classification: the words of deployments', () => {
  const failed = [/^With rollback on, ECS now rolls back/, /^Open the deployment's stopped tasks/];
  const rollback = [/did not reach a steady state/, /^Check that the rollback itself reaches a steady state/];

  it('names the failed deployment, whether the circuit breaker stopped it, and its reason', () => {
    // Act
    const breaker = words(
      event('deployment', 'SERVICE_DEPLOYMENT_FAILED', 'ECS Circuit Breaker: tasks failed.'),
      failed,
    );
    const other = words(event('deployment', 'SERVICE_DEPLOYMENT_FAILED', 'quota'), failed);
    const noReason = words(event('deployment', 'SERVICE_DEPLOYMENT_FAILED'), failed);
    const action = event('action', 'SERVICE_DEPLOYMENT_FAILED', 'quota');
    Object.assign(action.detail, { deploymentId: DEPLOYMENT });
    const asAction = words(action, failed);

    // Assess
    expect(breaker).toEqual({
      kind: 'service-deployment-failed',
      severity: 'critical',
      headline: `deployment ${DEPLOYMENT} failed`,
      summary: `deployment ${DEPLOYMENT} failed, stopped by the deployment circuit breaker: ECS Circuit Breaker: tasks failed.`,
      steps: [true, true],
    });
    expect(other.summary).toBe(`deployment ${DEPLOYMENT} failed: quota`);
    expect(noReason.summary).toBe(`deployment ${DEPLOYMENT} failed: no reason given`);
    expect(asAction).toMatchObject({ headline: 'the deployment failed', summary: 'the deployment failed: quota' });
  });

  it.each([
    [
      'SERVICE_DEPLOYMENT_IN_PROGRESS',
      'ECS deployment circuit breaker: rolling back.',
      `rolling back (deployment ${DEPLOYMENT})`,
      'the service is being rolled back',
    ],
    [
      'SERVICE_DEPLOYMENT_IN_PROGRESS',
      'Rolling back to the last completed deployment',
      `rolling back (deployment ${DEPLOYMENT})`,
      'the service is being rolled back',
    ],
    [
      'SERVICE_DEPLOYMENT_COMPLETED',
      'Deployment ROLLED BACK to ecs-svc/1',
      `deployment ${DEPLOYMENT} rolled back`,
      'the service was rolled back',
    ],
  ])('words %s with reason "%s" as a rollback', (eventName, reason, headline, summary) => {
    // Act
    const said = words(event('deployment', eventName, reason, 'INFO'), rollback);

    // Assess
    expect(said).toEqual({
      kind: 'service-deployment-rollback',
      severity: 'critical',
      headline,
      summary: `${summary}: ${reason}`,
      steps: [true, true],
    });
  });

  it('stays quiet on deployment progress whose reason names no rollback, or that has none', () => {
    // Act
    const quiet = [
      classifyServiceEvent(event('deployment', 'SERVICE_DEPLOYMENT_IN_PROGRESS', 'rolling forward', 'INFO')),
      classifyServiceEvent(event('deployment', 'SERVICE_DEPLOYMENT_COMPLETED', undefined, 'INFO')),
    ];

    // Assess
    expect(quiet).toEqual([
      { alert: false, why: 'routine deployment progress (SERVICE_DEPLOYMENT_IN_PROGRESS)' },
      { alert: false, why: 'routine deployment progress (SERVICE_DEPLOYMENT_COMPLETED)' },
    ]);
  });
});

describe('Subject: serviceSubject, in its words', () => {
  it("takes a service action's cluster from detail.clusterArn before the service ARN's, and the first service ARN", () => {
    // Prepare
    const e = event('action', 'SERVICE_TASK_START_IMPAIRED');
    e.detail.clusterArn = 'arn:aws:ecs:us-east-1:111122223333:cluster/blue';
    e.resources = [
      'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
      'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
      'arn:aws:ecs:us-east-1:111122223333:service/prod/api',
    ];

    // Act & Assess
    expect(serviceSubject(e)).toEqual({
      clusterName: 'blue',
      serviceName: 'web',
      serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
    });
  });

  it('says which resources it looked at, or that there were none, and which ARN names no cluster (a deployment event has no cluster of its own)', () => {
    // Prepare
    const clusterOnly = event('deployment', 'SERVICE_DEPLOYMENT_FAILED');
    clusterOnly.resources = ['arn:aws:ecs:us-east-1:111122223333:cluster/prod', 'arn:aws:iam::111122223333:role/x'];
    const none = event('deployment', 'SERVICE_DEPLOYMENT_FAILED');
    none.resources = [];
    const oldFormat = event('deployment', 'SERVICE_DEPLOYMENT_FAILED');
    oldFormat.resources = ['arn:aws:ecs:us-east-1:111122223333:service/web'];
    Object.assign(oldFormat.detail, { clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod' });

    // Act & Assess
    expect(serviceSubject(clusterOnly)).toEqual({
      why: "no ECS service ARN in the event's resources (arn:aws:ecs:us-east-1:111122223333:cluster/prod, arn:aws:iam::111122223333:role/x)",
    });
    expect(serviceSubject(none)).toEqual({ why: "no ECS service ARN in the event's resources (none)" });
    expect(serviceSubject(oldFormat)).toEqual({
      why: 'the service ARN arn:aws:ecs:us-east-1:111122223333:service/web does not name its cluster, nor does the event',
    });
  });
});
