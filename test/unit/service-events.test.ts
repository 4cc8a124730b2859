import { describe, expect, it } from 'vitest';
import { ServiceEventSchema } from '#shared/events/service-events.js';
import { classifyServiceEvent, serviceSubject } from '#shared/service-events/classify.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent } from '#test/support/fixtures.js';
import { alerting, awsSamples, ourSamples, sample } from '#test/support/service-events.js';

describe('Event schema: ServiceEventSchema', () => {
  it('finds the samples it checks', () => {
    // Assess
    expect(ourSamples.length).toBeGreaterThanOrEqual(10);
    expect(awsSamples.length).toBeGreaterThanOrEqual(3);
  });

  it.each([...ourSamples, ...awsSamples])('parses %s', (name) => {
    // Act
    const result = v.safeParse(ServiceEventSchema, loadEvent(name));

    // Assess
    expect(result.issues ?? []).toEqual([]);
  });

  it('keeps the detail fields it does not check', () => {
    // Prepare
    const event = loadEvent('service-task-placement-failure') as { detail: Record<string, unknown> };
    event.detail.somethingNew = 'kept';

    // Act
    const parsed = v.parse(ServiceEventSchema, event);

    // Assess
    expect(parsed.detail).toMatchObject({ somethingNew: 'kept', reason: 'RESOURCE:MEMORY' });
  });

  it('rejects a deployment event without deploymentId, naming the field', () => {
    // Prepare
    const event = loadEvent('deployment-failed') as { detail: Record<string, unknown> };
    delete event.detail.deploymentId;

    // Act
    const result = v.safeParse(ServiceEventSchema, event);

    // Assess
    expect(result.issues?.map((issue) => issue.path?.map((step) => step.key))).toEqual([['detail', 'deploymentId']]);
  });

  it('rejects an event of another detail-type, naming the field', () => {
    // Act
    const result = v.safeParse(ServiceEventSchema, loadEvent('task-stopped-user'));

    // Assess
    expect(result.issues?.map((issue) => issue.path?.map((step) => step.key))).toContainEqual(['detail-type']);
  });
});

describe('Classification: classifyServiceEvent', () => {
  it.each([
    ['service-task-placement-failure', 'service-task-placement-failure', 'critical'],
    ['service-task-placement-failure-fargate', 'service-task-placement-failure', 'critical'],
    ['service-task-start-impaired', 'service-task-start-impaired', 'warning'],
    ['service-task-configuration-failure', 'service-task-configuration-failure', 'critical'],
    ['service-operation-throttled', 'ecs-operation-throttled', 'warning'],
    ['deployment-failed', 'service-deployment-failed', 'critical'],
    ['deployment-rollback-circuit-breaker', 'service-deployment-rollback', 'critical'],
    ['aws:ecs-service-action-service-task-start-impaired', 'service-task-start-impaired', 'warning'],
    ['aws:ecs-deployment-state-change-failed-circuit-breaker', 'service-deployment-failed', 'critical'],
  ])('alerts on %s as %s, %s', (name, kind, severity) => {
    // Act
    const classification = classifyServiceEvent(sample(name));

    // Assess
    expect(classification).toMatchObject({ alert: true, kind, severity });
    expect(alerting(classification).nextSteps.length).toBeGreaterThan(0);
  });

  it.each([
    ['service-steady-state', /steady state \(SERVICE_STEADY_STATE\)/],
    ['aws:ecs-service-action-service-steady-state', /steady state/],
    ['deployment-in-progress', /routine deployment progress \(SERVICE_DEPLOYMENT_IN_PROGRESS\)/],
    ['deployment-completed', /routine deployment progress \(SERVICE_DEPLOYMENT_COMPLETED\)/],
  ])('stays quiet on %s', (name, why) => {
    // Act
    const classification = classifyServiceEvent(sample(name));

    // Assess
    expect(classification).toEqual({ alert: false, why: expect.stringMatching(why) });
  });

  it.each(['TASKSET_STEADY_STATE', 'CAPACITY_PROVIDER_STEADY_STATE'])('stays quiet on %s', (eventName) => {
    // Prepare
    const event = sample('service-steady-state');
    event.detail.eventName = eventName;

    // Act & Assess
    expect(classifyServiceEvent(event)).toEqual({ alert: false, why: `steady state (${eventName})` });
  });

  it('says why tasks cannot be placed, with the steps that fit the capacity', () => {
    // Act
    const ec2 = alerting(classifyServiceEvent(sample('service-task-placement-failure')));
    const fargate = alerting(classifyServiceEvent(sample('service-task-placement-failure-fargate')));

    // Assess
    expect(ec2.summary).toContain('no container instance has enough free memory');
    expect(ec2.headline).toBe('tasks cannot be placed (RESOURCE:MEMORY)');
    expect(ec2.nextSteps.join(' ')).toContain('Auto Scaling group');
    expect(fargate.summary).toContain('Fargate has no capacity');
    expect(fargate.nextSteps.join(' ')).toContain('Availability Zones');
  });

  it('alerts on a completed deployment whose reason says it was a rollback', () => {
    // Prepare
    const event = sample('deployment-completed');
    event.detail.reason = 'ECS deployment circuit breaker: rolled back to deploymentId ecs-svc/1111111111111111111.';

    // Act
    const classification = classifyServiceEvent(event);

    // Assess
    expect(classification).toMatchObject({ alert: true, kind: 'service-deployment-rollback', severity: 'critical' });
  });

  it.each([
    ['ERROR', true],
    ['WARN', true],
    ['INFO', false],
  ])('treats an unknown %s event as an alert: %s', (eventType, alert) => {
    // Prepare
    const event = sample('service-steady-state');
    event.detail.eventType = eventType;
    event.detail.eventName = 'SERVICE_SOMETHING_NEW';

    // Act
    const classification = classifyServiceEvent(event);

    // Assess
    expect(classification.alert).toBe(alert);
    if (classification.alert)
      expect(classification).toMatchObject({ kind: 'service-something-new', severity: 'warning' });
  });

  it('classifies SERVICE_DISCOVERY_OPERATION_THROTTLED as a Cloud Map throttling warning', () => {
    // Prepare
    const event = sample('service-operation-throttled');
    event.detail.eventName = 'SERVICE_DISCOVERY_OPERATION_THROTTLED';

    // Act
    const classification = alerting(classifyServiceEvent(event));

    // Assess
    expect(classification).toMatchObject({ kind: 'service-discovery-operation-throttled', severity: 'warning' });
    expect(classification.headline).toContain('Cloud Map');
  });
});

describe('Subject: serviceSubject', () => {
  it('reads the cluster of a service action from detail.clusterArn and the service from resources', () => {
    // Act & Assess
    expect(serviceSubject(sample('aws:ecs-service-action-service-task-start-impaired'))).toEqual({
      clusterName: 'default',
      serviceName: 'servicetest',
      serviceArn: 'arn:aws:ecs:us-west-2:111122223333:service/default/servicetest',
    });
  });

  it('reads the cluster of a deployment event from the service ARN, the event has no clusterArn', () => {
    // Act & Assess
    expect(serviceSubject(sample('deployment-failed'))).toMatchObject({ clusterName: 'prod', serviceName: 'web' });
  });

  it('says why when no resource is a service ARN, or an old-format ARN names no cluster', () => {
    // Prepare
    const noService = sample('deployment-failed');
    noService.resources = ['arn:aws:ecs:us-east-1:111122223333:cluster/prod'];
    const oldFormat = sample('deployment-failed');
    oldFormat.resources = ['arn:aws:ecs:us-east-1:111122223333:service/web'];
    const oldFormatAction = sample('service-task-start-impaired');
    oldFormatAction.resources = ['arn:aws:ecs:us-east-1:111122223333:service/web'];

    // Act & Assess
    expect(serviceSubject(noService)).toEqual({ why: expect.stringContaining('no ECS service ARN') });
    expect(serviceSubject(oldFormat)).toEqual({ why: expect.stringContaining('does not name its cluster') });
    expect(serviceSubject(oldFormatAction)).toMatchObject({ clusterName: 'prod', serviceName: 'web' });
  });
});
