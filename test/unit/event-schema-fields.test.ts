import { describe, expect, it } from 'vitest';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import { PromoterEventSchema } from '#shared/events/canary-promoter.js';
import { LifecycleHookEventSchema } from '#shared/events/lifecycle-hook.js';
import { ServiceEventSchema } from '#shared/events/service-events.js';
import { SnsEventSchema } from '#shared/events/sns.js';
import { TaskStateChangeEventSchema } from '#shared/events/task-state-change.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent } from '#test/support/fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: a sample is changed field by field to break one nested field at a time
type Sample = Record<string, any>;

/** The dotted paths of the fields a schema refuses in `input`; empty when it accepts the input. */
function refusedPaths(schema: v.GenericSchema, input: unknown): string[] {
  const result = v.safeParse(schema, input);
  return (result.issues ?? []).map((issue) => (issue.path ?? []).map((step) => String(step.key)).join('.'));
}

describe('Event schema: TaskStateChangeEventSchema, nested fields', () => {
  it.each([
    ['a container without a name', (d: Sample) => delete d.containers[0].name, 'detail.containers.0.name'],
    ['a port binding that is text', (d: Sample) => (d.containers[0].networkBindings[0].hostPort = '80'), 'hostPort'],
    [
      'an interface address that is a number',
      (d: Sample) => (d.containers[0].networkInterfaces = [{ privateIpv4Address: 10 }]),
      'privateIpv4Address',
    ],
    ['an attachment without a type', (d: Sample) => (d.attachments = [{ details: [] }]), 'detail.attachments.0.type'],
    [
      'an attachment detail without a name',
      (d: Sample) => (d.attachments = [{ type: 'eni', details: [{ value: 'x' }] }]),
      'detail.attachments.0.details.0.name',
    ],
    ['a cluster that is not an ARN', (d: Sample) => (d.clusterArn = 'prod'), 'detail.clusterArn'],
  ])('refuses %s, naming the field', (_, breakIt, field) => {
    // Prepare
    const event = loadEvent('task-stopped-ec2-bridge') as Sample;
    breakIt(event.detail);

    // Act
    const refused = refusedPaths(TaskStateChangeEventSchema, event);

    // Assess
    expect(refused.some((path) => path.endsWith(field))).toBe(true);
  });

  it('reads missing containers and attachment details as empty lists', () => {
    // Prepare
    const event = loadEvent('task-stopped-essential-exit') as Sample;
    delete event.detail.containers;
    event.detail.attachments = [{ type: 'eni', status: 'DELETED' }];

    // Act
    const { detail } = v.parse(TaskStateChangeEventSchema, event);

    // Assess
    expect(detail.containers).toEqual([]);
    expect(detail.attachments).toEqual([{ type: 'eni', status: 'DELETED', details: [] }]);
  });

  it('takes a missing taskArn from the resource that names a task, past the cluster', () => {
    // Prepare
    const event = loadEvent('task-stopped-essential-exit') as Sample;
    const taskArn = event.detail.taskArn;
    delete event.detail.taskArn;
    event.resources = ['arn:aws:ecs:us-east-1:111122223333:cluster/prod', taskArn];

    // Act
    const { detail } = v.parse(TaskStateChangeEventSchema, event);

    // Assess
    expect(detail.taskArn).toBe(taskArn);
  });

  it('refuses a resource that is not text, without throwing, when it looks for the taskArn', () => {
    // Prepare
    const event = loadEvent('task-stopped-essential-exit') as Sample;
    event.resources = [42, event.detail.taskArn];
    delete event.detail.taskArn;

    // Act
    const refused = refusedPaths(TaskStateChangeEventSchema, event);

    // Assess
    expect(refused).toEqual(['resources.0']);
  });

  it('refuses input that is not an object without throwing', () => {
    // Act
    const refused = refusedPaths(TaskStateChangeEventSchema, null);

    // Assess
    expect(refused).toEqual(['']);
  });
});

describe('Event schema: AlarmStateChangeEventSchema, nested fields', () => {
  it.each([
    ['a state that CloudWatch does not have', (d: Sample) => (d.state.value = 'FIRING'), 'detail.state.value'],
    [
      'a metric without an id',
      (d: Sample) => delete d.configuration.metrics[1].id,
      'detail.configuration.metrics.1.id',
    ],
    [
      'a metric without a namespace',
      (d: Sample) => delete d.configuration.metrics[1].metricStat.metric.namespace,
      'detail.configuration.metrics.1.metricStat.metric.namespace',
    ],
    [
      'a period that is text',
      (d: Sample) => (d.configuration.metrics[1].metricStat.period = '60'),
      'detail.configuration.metrics.1.metricStat.period',
    ],
    ['a rule that is a number', (d: Sample) => (d.configuration.alarmRule = 1), 'detail.configuration.alarmRule'],
  ])('refuses %s, naming the field', (_, breakIt, field) => {
    // Prepare
    const event = loadEvent('alarm-metric-math-5xx-rate') as Sample;
    breakIt(event.detail);

    // Act
    const refused = refusedPaths(AlarmStateChangeEventSchema, event);

    // Assess
    expect(refused).toContain(field);
  });
});

describe('Event schema: ServiceEventSchema, nested fields', () => {
  it.each([
    ['a service action without an event name', (d: Sample) => delete d.eventName, 'detail.eventName'],
    ['a cluster that is not an ARN', (d: Sample) => (d.clusterArn = 'prod'), 'detail.clusterArn'],
  ])('refuses %s, naming the field', (_, breakIt, field) => {
    // Prepare
    const event = loadEvent('service-steady-state') as Sample;
    breakIt(event.detail);

    // Act
    const refused = refusedPaths(ServiceEventSchema, event);

    // Assess
    expect(refused).toContain(field);
  });
});

describe('Event schema: LifecycleHookEventSchema', () => {
  it('reads the first stage ECS invokes a hook at', () => {
    // Prepare
    const event = { ...(loadEvent('ecs-lifecycle-hook/post-scale-up') as Sample), lifecycleStage: 'RECONCILE_SERVICE' };

    // Act
    const refused = refusedPaths(LifecycleHookEventSchema, event);

    // Assess
    expect(refused).toEqual([]);
  });

  it.each([
    ['a resource that is not an ARN', (e: Sample) => (e.resourceArn = 'deployment-1'), 'resourceArn'],
    ['execution details without the service', (e: Sample) => delete e.executionDetails.serviceArn, 'serviceArn'],
  ])('refuses %s, naming the field', (_, breakIt, field) => {
    // Prepare
    const event = loadEvent('ecs-lifecycle-hook/post-scale-up') as Sample;
    breakIt(event);

    // Act
    const refused = refusedPaths(LifecycleHookEventSchema, event);

    // Assess
    expect(refused.some((path) => path.endsWith(field))).toBe(true);
  });
});

describe('Event schema: SnsEventSchema', () => {
  it('reads the real AWS sample', () => {
    // Act
    const event = v.parse(SnsEventSchema, loadEvent('aws:lambda-sns-event'));

    // Assess
    expect(event.Records[0]?.Sns.Message).toBe('Hello from SNS!');
  });

  it.each([
    ['a record of another source', (r: Sample) => (r.EventSource = 'aws:sqs'), 'Records.0.EventSource'],
    ['a subscription confirmation', (r: Sample) => (r.Sns.Type = 'SubscriptionConfirmation'), 'Records.0.Sns.Type'],
    ['a message without its topic', (r: Sample) => delete r.Sns.TopicArn, 'Records.0.Sns.TopicArn'],
  ])('refuses %s, naming the field', (_, breakIt, field) => {
    // Prepare
    const event = loadEvent('aws:lambda-sns-event') as Sample;
    breakIt(event.Records[0]);

    // Act
    const refused = refusedPaths(SnsEventSchema, event);

    // Assess
    expect(refused).toContain(field);
  });
});

describe('Event schema: PromoterEventSchema', () => {
  it('reads its schedule and a gate alarm, and refuses a schedule of another source', () => {
    // Prepare
    const schedule = loadEvent('aws:scheduled-event') as Sample;
    const alarm = loadEvent('alarm-service-cpu-high');

    // Act
    const scheduled = refusedPaths(PromoterEventSchema, schedule);
    const alarmed = refusedPaths(PromoterEventSchema, alarm);
    const foreign = refusedPaths(PromoterEventSchema, { ...schedule, source: 'aws.ecs' });
    const other = refusedPaths(PromoterEventSchema, { ...schedule, 'detail-type': 'ECS Task State Change' });

    // Assess
    expect(scheduled).toEqual([]);
    expect(alarmed).toEqual([]);
    expect(foreign).toEqual(['source']);
    expect(other).toEqual(['detail-type']);
  });
});
