import { beforeAll, describe, expect, it } from 'vitest';
import { shippedConfigFile } from '#local/function-manifest.js';
import { matchAlarmRule } from '#shared/alarms/resolve.js';
import { loadConfigFile } from '#shared/config/load.js';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import { ServiceEventSchema } from '#shared/events/service-events.js';
import { classifyServiceEvent } from '#shared/service-events/classify.js';
import * as v from '#shared/validation/input-schema.js';
import { alarmState, type BusEvent, loadSamples } from '#test/support/bus-samples.js';
import { declaredRules } from '#test/support/patterns.js';
import { deliveredSamples } from '#test/support/rule-delivery.js';

/**
 * The service events of one detail-type that the service-event reaction alerts on, by its own classifier: its rules
 * must deliver exactly these, so that no alert is lost to the pattern and no event is delivered for nothing.
 */
const alertsOn = (detailType: string) => (event: BusEvent) => {
  if (event['detail-type'] !== detailType) return false;
  const parsed = v.safeParse(ServiceEventSchema, event);
  return parsed.success && classifyServiceEvent(parsed.output).alert;
};

/** What each rule is for, said in the domain's words: the rule must deliver these events and no other. */
const intendedEvents: Record<string, (event: BusEvent) => boolean> = {
  'task-stopping': (event) =>
    event.source === 'aws.ecs' &&
    event['detail-type'] === 'ECS Task State Change' &&
    event.detail.desiredStatus === 'STOPPED' &&
    String(event.detail.group).startsWith('service:'),
  // Alarms entering ALARM or OK that a rule of the shipped config matches, by the handler's own matcher; the handler
  // itself ignores the transitions it does not react to (INSUFFICIENT_DATA → OK is no recovery).
  'alarm-state-change': (event) => {
    const parsed = v.safeParse(AlarmStateChangeEventSchema, event);
    return (
      parsed.success &&
      ['ALARM', 'OK'].includes(String(alarmState(event))) &&
      matchAlarmRule(loadConfigFile(shippedConfigFile).alarms, parsed.output) !== undefined
    );
  },
  // Alarms entering ALARM only: the promoter rolls back the canaries such an alarm gates.
  'canary-gate-alarms': (event) =>
    event.source === 'aws.cloudwatch' &&
    event['detail-type'] === 'CloudWatch Alarm State Change' &&
    alarmState(event) === 'ALARM',
  'service-actions': alertsOn('ECS Service Action'),
  'deployment-failures': alertsOn('ECS Deployment State Change'),
};

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
      'canary-gate-alarms',
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

  it('delivers alarms that enter ALARM or OK and a rule names, and no INSUFFICIENT_DATA', async () => {
    // Prepare
    const rule = rules.find((candidate) => candidate.id === 'alarm-state-change');
    if (rule === undefined) throw new Error('the alarmStateChange rule is missing from deploy/functions.yml');

    // Act
    const delivered = await deliveredSamples(rule, samples);

    // Assess
    expect(delivered).toEqual(expect.arrayContaining(['alarm:ok-after-alarm', 'alarm:ok-after-insufficient-data']));
    // AWS's own samples (ServerCpuTooHigh, TotalNetworkTrafficTooHigh) match no rule of the shipped config.
    expect(delivered.filter((name) => name.startsWith('aws:cloudwatch-alarm'))).toEqual([]);
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
