import { existsSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ServiceEventSchema } from '#shared/events/service-events.js';
import { classifyServiceEvent } from '#shared/service-events/classify.js';
import { eventNames, eventsDir, loadEvent } from '#test/support/fixtures.js';
import { type DeclaredRule, declaredRules } from '#test/support/patterns.js';

/** An EventBridge event as AWS delivers it (the samples' shape). */
interface BusEvent {
  source: string;
  'detail-type': string;
  time?: string;
  resources?: string[];
  detail: Record<string, unknown>;
}

function isBusEvent(value: unknown): value is BusEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    typeof event.source === 'string' && typeof event['detail-type'] === 'string' && typeof event.detail === 'object'
  );
}

/**
 * The service events of one detail-type that the service-event reaction alerts on, by its own classifier: its rules
 * must deliver exactly these, so that no alert is lost to the pattern and no event is delivered for nothing.
 */
const alertsOn = (detailType: string) => (event: BusEvent) => {
  if (event['detail-type'] !== detailType) return false;
  const parsed = ServiceEventSchema.safeParse(event);
  return parsed.success && classifyServiceEvent(parsed.data).alert;
};

/** The state an alarm event says the alarm is now in. */
function alarmState(event: BusEvent): unknown {
  const state = event.detail.state;
  return typeof state === 'object' && state !== null ? (state as Record<string, unknown>).value : undefined;
}

/** What each rule is for, said in the domain's words: the rule must deliver these events and no other. */
const intendedEvents: Record<string, (event: BusEvent) => boolean> = {
  'task-stopping': (event) =>
    event.source === 'aws.ecs' &&
    event['detail-type'] === 'ECS Task State Change' &&
    event.detail.desiredStatus === 'STOPPED' &&
    String(event.detail.group).startsWith('service:'),
  // Alarms entering ALARM or OK; the handler itself ignores the transitions it does not react to
  // (INSUFFICIENT_DATA → OK is no recovery).
  'alarm-state-change': (event) =>
    event.source === 'aws.cloudwatch' &&
    event['detail-type'] === 'CloudWatch Alarm State Change' &&
    ['ALARM', 'OK'].includes(String(alarmState(event))),
  'service-actions': alertsOn('ECS Service Action'),
  'deployment-failures': alertsOn('ECS Deployment State Change'),
};

/** Alarm state changes other than the real samples' (both fire), made from them by changing the states. */
function alarmVariants(): Record<string, BusEvent> {
  const variant = (state: string, previousState: string): BusEvent => {
    const event = loadEvent('aws:cloudwatch-alarm-state-change-single-metric') as BusEvent;
    const detail = event.detail as { state: Record<string, unknown>; previousState: Record<string, unknown> };
    return {
      ...event,
      detail: {
        ...detail,
        state: { ...detail.state, value: state },
        previousState: { ...detail.previousState, value: previousState },
      },
    };
  };
  return {
    // Recovered: the alarm reaction reports it.
    'alarm:ok-after-alarm': variant('OK', 'ALARM'),
    // Delivered too; the handler ignores it (not a recovery from ALARM).
    'alarm:ok-after-insufficient-data': variant('OK', 'INSUFFICIENT_DATA'),
    // Never a state to act on.
    'alarm:insufficient-data-after-ok': variant('INSUFFICIENT_DATA', 'OK'),
    'alarm:insufficient-data-after-alarm': variant('INSUFFICIENT_DATA', 'ALARM'),
  };
}

/** Tasks of services, made from the real samples by giving them a service's group (and, to stop, desiredStatus). */
function serviceTaskVariants(): Record<string, BusEvent> {
  const variant = (name: string, detail: Record<string, unknown>): BusEvent => {
    const event = loadEvent(`aws:${name}`) as BusEvent;
    return { ...event, detail: { ...event.detail, ...detail } };
  };
  return {
    // Stopped by ECS after its essential container exited.
    'service:fargate-stopped-essential-container-exited': variant(
      'ecs-task-state-change-fargate-stopped-essential-container-exited',
      { group: 'service:web' },
    ),
    // Being stopped by the scheduler (deployment, scale-in): desired STOPPED while still RUNNING.
    'service:fargate-stopping-scheduler': variant('ecs-task-state-change-fargate-running-docs', {
      group: 'service:web',
      desiredStatus: 'STOPPED',
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)',
    }),
    // An EC2 task of a service being stopped.
    'service:ec2-stopping': variant('ecs-task-state-change-ec2-container-instance-docs-2019', {
      group: 'service:api',
      desiredStatus: 'STOPPED',
    }),
    // A service's task that is running: nothing to react to.
    'service:fargate-running': variant('ecs-task-state-change-fargate-running-multi-container', {
      group: 'service:web',
    }),
  };
}

/** Every sample that is an EventBridge event: the real AWS ones, ours in events/, and the variants above. */
function loadSamples(): Record<string, BusEvent> {
  const names = [...eventNames('aws'), ...(existsSync(eventsDir) ? eventNames('repo') : [])];
  const candidates: [string, unknown][] = [
    ...names.map((name) => [name, loadEvent(name)] as [string, unknown]),
    ...Object.entries(serviceTaskVariants()),
    ...Object.entries(alarmVariants()),
  ];
  const samples: Record<string, BusEvent> = {};
  const seen = new Set<string>();
  for (const [name, event] of candidates) {
    // lambda-sqs-event and friends are Lambda payloads, not bus events.
    if (!isBusEvent(event)) continue;
    // A copy of another sample could not be told apart from it on arrival, and proves nothing more.
    if (seen.has(eventKey(event))) continue;
    seen.add(eventKey(event));
    samples[name] = event;
  }
  return samples;
}

/** What identifies a sample once delivered: moto gives the event its own id, account, region and time. */
function eventKey(event: BusEvent): string {
  return JSON.stringify([event.source, event['detail-type'], event.detail]);
}

const eventBridge = new EventBridgeClient({});
const sqs = new SQSClient({});

/** Creates the rule in moto with a queue as its target, sends every sample, and returns the names that arrived. */
async function deliveredSamples(rule: DeclaredRule, samples: Record<string, BusEvent>): Promise<string[]> {
  const ruleName = rule.id.replace(/[^\w.-]/g, '-');
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${ruleName}-target` }));
  const { Attributes: attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await eventBridge.send(new PutRuleCommand({ Name: ruleName, EventPattern: JSON.stringify(rule.pattern) }));
  await eventBridge.send(
    new PutTargetsCommand({ Rule: ruleName, Targets: [{ Id: 'queue', Arn: attributes?.QueueArn }] }),
  );

  const nameByKey = new Map(Object.entries(samples).map(([name, event]) => [eventKey(event), name]));

  const entries = Object.values(samples).map((event) => ({
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(event.detail),
    Resources: event.resources ?? [],
    ...(event.time === undefined ? {} : { Time: new Date(event.time) }),
  }));
  for (let start = 0; start < entries.length; start += 10) {
    const out = await eventBridge.send(new PutEventsCommand({ Entries: entries.slice(start, start + 10) }));
    expect(out.FailedEntryCount ?? 0).toBe(0);
  }

  const delivered: string[] = [];
  for (;;) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (messages.length === 0) break;
    for (const message of messages) {
      const event = JSON.parse(message.Body ?? '{}') as BusEvent;
      delivered.push(nameByKey.get(eventKey(event)) ?? `unknown event: ${message.Body}`);
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
  return delivered.sort();
}

describe('EventBridge rules: patterns match real events', () => {
  const rules = declaredRules();
  let samples: Record<string, BusEvent>;

  beforeAll(() => {
    samples = loadSamples();
  });

  it('finds every pattern rule of the stack, and none for the reconciler schedule', () => {
    // Assess
    expect(rules.map((rule) => rule.id).sort()).toEqual([
      'alarm-state-change',
      'deployment-failures',
      'service-actions',
      'task-stopping',
    ]);
  });

  it.each(rules.map((rule) => [rule.id, rule] as const))(
    '%s delivers exactly the events it is meant for',
    async (id, rule) => {
      // Prepare
      const intended = intendedEvents[id];
      if (intended === undefined) throw new Error(`no intended events are written down for rule ${id}: add them above`);
      const expected = Object.entries(samples)
        .filter(([, event]) => intended(event))
        .map(([name]) => name)
        .sort();

      // Act
      const delivered = await deliveredSamples(rule, samples);

      // Assess
      expect(expected.length, 'no sample is meant for this rule: the test would prove nothing').toBeGreaterThan(0);
      expect(delivered).toEqual(expected);
    },
  );

  it('delivers the stopping tasks of services, Fargate and EC2, stopping or stopped', async () => {
    // Prepare
    const rule = rules.find((candidate) => candidate.id === 'task-stopping');
    if (rule === undefined) throw new Error('the taskStateChange rule is missing from deploy/functions.yml');

    // Act
    const delivered = await deliveredSamples(rule, samples);

    // Assess
    expect(delivered).toEqual(
      expect.arrayContaining([
        'service:ec2-stopping',
        'service:fargate-stopped-essential-container-exited',
        'service:fargate-stopping-scheduler',
      ]),
    );
  });

  it('ignores running tasks, standalone family: tasks, container-instance, service, alarm and scheduled events', async () => {
    // Prepare
    const rule = rules.find((candidate) => candidate.id === 'task-stopping');
    if (rule === undefined) throw new Error('the taskStateChange rule is missing from deploy/functions.yml');
    const ignored = [
      'service:fargate-running',
      'aws:ecs-task-state-change-fargate-running-docs',
      'aws:ecs-task-state-change-fargate-running-multi-container',
      'aws:ecs-task-state-change-ec2-container-instance-docs-2019',
      'aws:ecs-task-state-change-fargate-stopped-essential-container-exited',
      'aws:ecs-task-state-change-fargate-stopped-out-of-memory',
      'aws:ecs-task-state-change-fargate-stopped-task-failed-to-start-secrets',
      'aws:ecs-container-instance-state-change',
      'aws:ecs-service-action-service-steady-state',
      'aws:ecs-service-action-service-task-start-impaired',
      'aws:ecs-deployment-state-change-failed-circuit-breaker',
      'aws:cloudwatch-alarm-state-change-single-metric',
      'aws:cloudwatch-alarm-state-change-metric-math',
      'aws:scheduled-event',
    ];
    expect(Object.keys(samples)).toEqual(expect.arrayContaining(ignored));

    // Act
    const delivered = await deliveredSamples(rule, samples);

    // Assess
    expect(delivered.filter((name) => ignored.includes(name))).toEqual([]);
  });

  it('delivers alarms that enter ALARM or OK, and no INSUFFICIENT_DATA', async () => {
    // Prepare
    const rule = rules.find((candidate) => candidate.id === 'alarm-state-change');
    if (rule === undefined) throw new Error('the alarmStateChange rule is missing from deploy/functions.yml');

    // Act
    const delivered = await deliveredSamples(rule, samples);

    // Assess
    expect(delivered).toEqual(
      expect.arrayContaining([
        'alarm:ok-after-alarm',
        'alarm:ok-after-insufficient-data',
        'aws:cloudwatch-alarm-state-change-metric-math',
        'aws:cloudwatch-alarm-state-change-single-metric',
      ]),
    );
    expect(delivered.filter((name) => name.startsWith('alarm:insufficient-data'))).toEqual([]);
    expect(delivered.filter((name) => !name.includes('alarm'))).toEqual([]);
  });

  it('delivers the failing service actions and deployments, and no steady state or routine progress', async () => {
    // Prepare
    const serviceRules = rules.filter((candidate) => candidate.functionName === 'serviceEvent');
    expect(serviceRules).toHaveLength(2);

    // Act: one rule after the other, or each would also receive the other's events.
    const delivered: string[] = [];
    for (const rule of serviceRules) delivered.push(...(await deliveredSamples(rule, samples)));

    // Assess
    expect(delivered).toEqual(
      expect.arrayContaining([
        'aws:ecs-deployment-state-change-failed-circuit-breaker',
        'aws:ecs-service-action-service-task-start-impaired',
        'deployment-failed',
        'deployment-rollback-circuit-breaker',
        'service-operation-throttled',
        'service-task-configuration-failure',
        'service-task-placement-failure',
        'service-task-placement-failure-fargate',
      ]),
    );
    expect(
      delivered.filter((name) =>
        [
          'aws:ecs-service-action-service-steady-state',
          'service-steady-state',
          'deployment-in-progress',
          'deployment-completed',
        ].includes(name),
      ),
    ).toEqual([]);
  });
});
