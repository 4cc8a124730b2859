import { beforeAll, describe, expect, it } from 'vitest';
import { manifestFunctions } from '#local/function-manifest.js';
import type { FunctionName } from '#test/support/granted-actions.js';
import { PACKAGING_TIMEOUT_MS, packageStackForTests } from '#test/support/packaging.js';
import { pascal, type Resource, type Template } from '#test/support/template.js';

/** Each function: its name in serverless.yml, its bundle in the zip, its logical id in the template. */
const functions = manifestFunctions().map(({ name, bundle, logicalId }) => [name, bundle, logicalId] as const);

/** Lambda's async invocation of the event-driven functions: its retries and the oldest event it still hands over. */
const asyncInvocation: Partial<
  Record<FunctionName, { retries: number; maxAgeSeconds: number; deadLetterQueue?: string }>
> = {
  alarmStateChange: { retries: 2, maxAgeSeconds: 300 },
  // Alert only: a late alert is still worth sending.
  serviceEvent: { retries: 2, maxAgeSeconds: 3600 },
  // The next sweep is the retry.
  reconciler: { retries: 0, maxAgeSeconds: 300 },
  // The next minute's pass is the retry.
  canaryPromoter: { retries: 0, maxAgeSeconds: 60 },
  // Invoked by SNS; a late alert is still worth posting, and what fails waits in a queue of Slack messages.
  slackNotifier: { retries: 2, maxAgeSeconds: 3600, deadLetterQueue: 'SlackDeadLetterQueue' },
  // The next day's audit is the retry.
  audit: { retries: 0, maxAgeSeconds: 3600 },
};

describe('Packaging: serverless package', { timeout: PACKAGING_TIMEOUT_MS }, () => {
  const packaged = packageStackForTests();
  let template: Template;
  beforeAll(() => {
    ({ template } = packaged);
  });

  it('writes the CloudFormation template', () => {
    // Assess
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
  });

  it('runs the functions on Node 24 / arm64, with short async retries and a failure destination, or from a queue', () => {
    // Prepare
    const resources = template.Resources;
    const byType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);
    const expected = Object.entries(asyncInvocation)
      .map(([functionName, { retries, maxAgeSeconds, deadLetterQueue = 'EventsDeadLetterQueue' }]) => ({
        function: `${pascal(functionName)}LambdaFunction`,
        retries,
        maxAgeSeconds,
        onFailure: { 'Fn::GetAtt': [deadLetterQueue, 'Arn'] },
      }))
      .sort((a, b) => a.function.localeCompare(b.function));

    // Act
    const configured = byType('AWS::Lambda::EventInvokeConfig')
      .map(({ Properties: p = {} }) => ({
        function: (p.FunctionName as { Ref: string }).Ref,
        retries: p.MaximumRetryAttempts,
        maxAgeSeconds: p.MaximumEventAgeInSeconds,
        onFailure: (p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure
          ?.Destination,
      }))
      .sort((a, b) => a.function.localeCompare(b.function));

    // Assess
    for (const [, , logicalId] of functions) {
      expect(resources[logicalId]?.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
    expect(configured).toEqual(expected);
    expect(byType('AWS::Lambda::EventSourceMapping')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Properties: expect.objectContaining({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] }),
        }),
        expect.objectContaining({
          Properties: expect.objectContaining({
            BatchSize: 1000,
            MaximumBatchingWindowInSeconds: 1,
            FunctionResponseTypes: ['ReportBatchItemFailures'],
          }),
        }),
      ]),
    );
    expect(byType('AWS::Lambda::EventSourceMapping')).toHaveLength(3);
  });

  it('runs one alarm reaction and one sweep at a time, and gives a sweep two minutes', () => {
    // Act
    const settings = Object.fromEntries(
      functions.map(([functionName, , logicalId]) => {
        const properties = template.Resources[logicalId]?.Properties ?? {};
        return [functionName, { reserved: properties.ReservedConcurrentExecutions, timeout: properties.Timeout }];
      }),
    );

    // Assess: reserved concurrency 1 keeps two alarms from passing the same cooldown, and sweeps from overlapping.
    expect(settings).toEqual({
      taskStateChange: { reserved: undefined, timeout: 30 },
      alarmStateChange: { reserved: 1, timeout: 30 },
      serviceEvent: { reserved: undefined, timeout: 30 },
      reconciler: { reserved: 1, timeout: 120 },
      notifier: { reserved: undefined, timeout: 15 },
      canaryPromoter: { reserved: 1, timeout: 50 },
      // ECS calls it again while it answers IN_PROGRESS: each call is a few reads.
      deploymentHook: { reserved: undefined, timeout: 30 },
      alertFlush: { reserved: undefined, timeout: 15 },
      slackNotifier: { reserved: undefined, timeout: 30 },
      audit: { reserved: 1, timeout: 300 },
    });
  });

  it("keeps every function's logs for 30 days", () => {
    // Act
    const retention = Object.fromEntries(
      functions.map(([functionName]) => [
        functionName,
        template.Resources[`${pascal(functionName)}LogGroup`]?.Properties?.RetentionInDays,
      ]),
    );

    // Assess
    expect(retention).toEqual(Object.fromEntries(functions.map(([functionName]) => [functionName, 30])));
  });

  it('keeps durable state in an on-demand, encrypted, recoverable table that expires records by expiresAt', () => {
    // Prepare
    const tables = Object.entries(template.Resources).filter(
      ([, resource]) => resource.Type === 'AWS::DynamoDB::Table',
    );
    const table = template.Resources.StateTable as Resource & { DeletionPolicy?: string; UpdateReplacePolicy?: string };

    // Act
    const tableNames = functions.map(([, , logicalId]) => {
      const environment = template.Resources[logicalId]?.Properties?.Environment as
        | { Variables?: Record<string, unknown> }
        | undefined;
      return environment?.Variables?.STATE_TABLE_NAME;
    });

    // Assess
    expect(tables.map(([logicalId]) => logicalId)).toEqual(['StateTable']);
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table.Properties).toMatchObject({
      TableName: 'ecs-autopilot-ci-state',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(tableNames).toEqual(functions.map(() => ({ Ref: 'StateTable' })));
  });

  it("sends the automation's own alarms to the operations topic, never through the alert topic they report on", () => {
    // Prepare
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');

    // Act
    const actions = Object.fromEntries(alarms.map(([logicalId, r]) => [logicalId, r.Properties?.AlarmActions]));

    // Assess
    expect(alarms.length).toBeGreaterThanOrEqual(2);
    expect(actions).toEqual(Object.fromEntries(alarms.map(([logicalId]) => [logicalId, [{ Ref: 'OperationsTopic' }]])));
    expect(template.Resources.OperationsTopic?.Type).toBe('AWS::SNS::Topic');
  });
  it('subscribes the Slack function to the alert and operations topics, with a DLQ for what SNS cannot hand over', () => {
    // Act
    const subscriptions = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::SNS::Subscription')
      .map((r) => r.Properties);

    // Assess
    const slack = (topic: string) =>
      expect.objectContaining({
        TopicArn: { Ref: topic },
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': ['SlackNotifierLambdaFunction', 'Arn'] },
      });
    expect(subscriptions).toEqual([slack('AlertTopic'), slack('OperationsTopic')]);
    expect(subscriptions[0]?.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['SlackDeadLetterQueue', 'Arn'] },
    });
  });

  it('keeps the Slack webhook URL and bot token out of the template: the function is told SSM parameter names only', () => {
    // Prepare
    const text = JSON.stringify(template);
    const environment = template.Resources.SlackNotifierLambdaFunction?.Properties?.Environment as
      | { Variables: Record<string, unknown> }
      | undefined;
    const variables = environment?.Variables ?? {};

    // Assess
    expect(text).not.toMatch(/hooks\.slack\.com|\/services\/T[A-Z0-9]+\/|xox[bp]-/);
    expect(Object.keys(variables).filter((name) => name.startsWith('SLACK_'))).toEqual([
      'SLACK_WEBHOOK_URL_PARAMETER',
      'SLACK_CHANNEL',
      'SLACK_BOT_TOKEN_PARAMETER',
    ]);
    expect(variables.SLACK_WEBHOOK_URL_PARAMETER).toBe('/ecs-autopilot/ci/slack-webhook-url');
    // No channel by default: the incoming webhook, which cannot thread, stays the mode.
    expect(variables.SLACK_CHANNEL).toBe('');
    expect(variables.SLACK_BOT_TOKEN_PARAMETER).toBe('/ecs-autopilot/ci/slack-bot-token');
  });
  it('deploys a dashboard of what the automation did beside the ALB metrics, and of its own health', () => {
    // Prepare
    const dashboard = template.Resources.Dashboard;
    const body = (dashboard?.Properties?.DashboardBody as { 'Fn::Sub': string } | undefined)?.['Fn::Sub'] ?? '{}';

    // Act
    const { widgets } = JSON.parse(body) as { widgets: { type: string; properties: Record<string, unknown> }[] };
    const text = JSON.stringify(widgets);

    // Assess
    expect(dashboard?.Type).toBe('AWS::CloudWatch::Dashboard');
    for (const metric of [
      'TargetsDeregistered',
      'ScaleActions',
      'GuardrailRefusals',
      'ReconcilerFixes',
      'CanaryWeight',
      'CanaryStep',
      'CanaryRollbacks',
      'AlertsSent',
      'AlertsGrouped',
    ]) {
      expect(text, metric).toContain(metric);
    }
    expect(text).toContain('{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName=\\"HTTPCode_Target_5XX_Count\\"');
    for (const [, , logicalId] of functions) expect(text).toContain(`\${${logicalId}}`);
    expect(widgets.map((w) => w.type)).toContain('alarm');
  });

  it('alarms on ecs-autopilot itself, to the operations topic: any DLQ holding a message, any function failing, throttles, a missed sweep, an alert lost', () => {
    // Prepare
    const alarms = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const watched = (namespace: string, metric: string) =>
      alarms
        .filter((a) => a.Properties?.Namespace === namespace && a.Properties?.MetricName === metric)
        .map((a) => ((a.Properties?.Dimensions ?? []) as { Value: unknown }[])[0]?.Value);
    const queues = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::SQS::Queue' && String(r.Properties?.QueueName).match(/-dlq(\.fifo)?$/))
      .map(([logicalId]) => ({ 'Fn::GetAtt': [logicalId, 'QueueName'] }));
    const throttles = alarms.find((a) => String(a.Properties?.AlarmName).endsWith('-function-throttles'));
    const sweep = alarms.find((a) => String(a.Properties?.AlarmName).endsWith('-reconciler-not-running'));

    // Assess
    expect(watched('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toEqual(expect.arrayContaining(queues));
    expect(queues.length).toBeGreaterThanOrEqual(4);
    expect(watched('AWS/Lambda', 'Errors')).toHaveLength(functions.length);
    expect(watched('AWS/Lambda', 'Errors')).toEqual(
      expect.arrayContaining(functions.map(([, , logicalId]) => ({ Ref: logicalId }))),
    );
    expect(JSON.stringify(throttles?.Properties?.Metrics)).toContain('"Throttles"');
    expect(((throttles?.Properties?.Metrics ?? []) as unknown[]).length).toBe(functions.length + 1);
    const promoter = alarms.find((a) => String(a.Properties?.AlarmName).endsWith('-canary-promoter-not-running'));
    expect(promoter?.Properties).toMatchObject({ MetricName: 'Invocations', TreatMissingData: 'breaching' });
    expect(sweep?.Properties).toMatchObject({ MetricName: 'Invocations', TreatMissingData: 'breaching', Period: 900 });
    const lost = alarms.find((a) => String(a.Properties?.AlarmName).endsWith('-alerts-lost'));
    expect(lost?.Properties).toMatchObject({
      Namespace: 'ecs-autopilot',
      MetricName: 'AlertsLost',
      Dimensions: [{ Name: 'service', Value: 'ecs-autopilot' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    for (const alarm of alarms) expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: 'OperationsTopic' }]);
  });
});
