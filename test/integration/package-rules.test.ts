import { beforeAll, describe, expect, it } from 'vitest';
import { alarmRulePattern, eventPatterns } from '#local/function-manifest.js';
import { SWEEP_SLOT_SECONDS, SWEEPER_LIFETIME_SECONDS } from '#shared/tasks/storm-sweep.js';
import { PACKAGING_TIMEOUT_MS, packageStackForTests } from '#test/support/packaging.js';
import { asArray, eventRules, type Statement, type Template } from '#test/support/template.js';

/** The EventBridge pattern rules (stage `ci`) with the function they invoke and their target's retry policy. */
const ruleTargets = {
  'task-stopping': {
    target: 'TaskEventsQueue',
    retryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 3 },
  },
  'alarm-state-change': {
    target: 'AlarmStateChangeLambdaFunction',
    retryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 3 },
  },
  'service-actions': {
    target: 'ServiceEventLambdaFunction',
    retryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
  },
  'deployment-failures': {
    target: 'ServiceEventLambdaFunction',
    retryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
  },
  'canary-gate-alarms': {
    target: 'CanaryPromoterLambdaFunction',
    retryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 },
  },
} as const;

/**
 * The rules by their name in the template, each with the pattern deploy/event-patterns.yml gives it; the alarm rule's
 * narrowed to the shipped config's alarm names, as packaging computes it.
 */
const patterns: Record<string, Record<string, unknown>> = {
  ...eventPatterns(),
  'alarm-state-change': alarmRulePattern(),
};
const patternRules = Object.fromEntries(
  Object.entries(ruleTargets).map(([rule, target]) => [
    `ecs-autopilot-ci-${rule}`,
    { ...target, pattern: patterns[rule] },
  ]),
);

describe('Packaging: EventBridge rules', { timeout: PACKAGING_TIMEOUT_MS }, () => {
  const packaged = packageStackForTests();
  let template: Template;
  beforeAll(() => {
    ({ template } = packaged);
  });

  it('gives each EventBridge rule its pattern, its target retries and the events DLQ', () => {
    // Act
    const rules = Object.fromEntries(
      eventRules(template)
        .filter(({ properties }) => properties.EventPattern !== undefined)
        .map(({ properties, targets, invokes }) => [
          properties.Name,
          {
            target: invokes,
            retryPolicy: targets[0]?.RetryPolicy,
            deadLetters: targets[0]?.DeadLetterConfig?.Arn,
            pattern: properties.EventPattern,
            targets: targets.length,
          },
        ]),
    );

    // Assess
    expect(rules).toEqual(
      Object.fromEntries(
        Object.entries(patternRules).map(([name, rule]) => [
          name,
          { ...rule, deadLetters: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] }, targets: 1 },
        ]),
      ),
    );
  });

  it('lets exactly the rules that dead-letter to the events DLQ send to it', () => {
    // Prepare
    const statements = asArray(
      (template.Resources.EventsDeadLetterQueuePolicy?.Properties?.PolicyDocument as { Statement?: Statement[] })
        ?.Statement,
    );

    // Act
    const dlqRules = eventRules(template)
      .filter(({ targets }) => targets.some((target) => target.DeadLetterConfig !== undefined))
      .map(({ properties }) => properties.Name as string)
      .sort();
    const allowed = statements
      .flatMap((statement) =>
        asArray(
          (statement.Condition as { ArnEquals?: { 'aws:SourceArn'?: unknown } } | undefined)?.ArnEquals?.[
            'aws:SourceArn'
          ] as { 'Fn::Sub': string }[] | undefined,
        ),
      )
      .map((arn) => arn['Fn::Sub'].split(':rule/')[1])
      .sort();

    // Assess
    expect(dlqRules).toEqual(Object.keys(patternRules).sort());
    expect(allowed).toEqual(dlqRules);
  });

  it('sweeps every 5 minutes, promotes canaries every minute and audits daily by default, from schedule rules without a pattern', () => {
    // Act
    const schedules = eventRules(template)
      .filter(({ properties }) => properties.ScheduleExpression !== undefined)
      .map(({ properties, targets, invokes }) => ({
        name: properties.Name,
        schedule: properties.ScheduleExpression,
        pattern: properties.EventPattern,
        invokes,
        targets: targets.length,
      }));

    // Assess
    expect(schedules).toEqual([
      {
        name: 'ecs-autopilot-ci-reconciler',
        schedule: 'rate(5 minutes)',
        pattern: undefined,
        invokes: 'ReconcilerLambdaFunction',
        targets: 1,
      },
      {
        name: 'ecs-autopilot-ci-canary-promoter',
        schedule: 'rate(1 minute)',
        pattern: undefined,
        invokes: 'CanaryPromoterLambdaFunction',
        targets: 1,
      },
      {
        name: 'ecs-autopilot-ci-audit',
        schedule: 'rate(1 day)',
        pattern: undefined,
        invokes: 'AuditLambdaFunction',
        targets: 1,
      },
    ]);
  });

  it('redelivers a stop only once every sweeper of its first delivery is over', () => {
    // Prepare
    const queue = template.Resources.TaskEventsQueue?.Properties ?? {};
    const fn = template.Resources.TaskStateChangeLambdaFunction?.Properties ?? {};
    const visibility = Number(queue.VisibilityTimeout);
    const timeout = Number(fn.Timeout);

    // Assess: a sweeper of the first delivery's slot or the next one starts within two slots of it and works at most
    // its timeout; one whose claim is older than its lifetime is taken as abandoned, which it must be by then.
    expect(timeout).toBeLessThan(SWEEPER_LIFETIME_SECONDS);
    expect(visibility).toBeGreaterThanOrEqual(2 * SWEEP_SLOT_SECONDS + SWEEPER_LIFETIME_SECONDS);
  });

  it("gives the rule that fills the task-events queue the pattern of a service's stopping task", () => {
    // Prepare
    const rules = Object.values(template.Resources).filter((resource) => {
      const targets = asArray(resource.Properties?.Targets as { Arn?: { 'Fn::GetAtt'?: string[] } }[]);
      return (
        resource.Type === 'AWS::Events::Rule' &&
        targets.some((target) => target.Arn?.['Fn::GetAtt']?.[0] === 'TaskEventsQueue')
      );
    });

    // Assess
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties?.EventPattern).toEqual(patterns['task-stopping']);
    expect(patterns['task-stopping']).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: { desiredStatus: ['STOPPED'], group: [{ prefix: 'service:' }] },
    });
  });
});
