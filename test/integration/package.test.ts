import { beforeAll, describe, expect, it } from 'vitest';
import { manifestFunctions } from '#local/function-manifest.js';
import { PACKAGING_TIMEOUT_MS, packageStackForTests } from '#test/support/packaging.js';
import { pascal, type Resource, type Template } from '#test/support/template.js';

/** Each function: its name in serverless.yml, its bundle in the zip, its logical id in the template. */
const functions = manifestFunctions().map(({ name, bundle, logicalId }) => [name, bundle, logicalId] as const);

type FunctionName =
  | 'taskStateChange'
  | 'alarmStateChange'
  | 'serviceEvent'
  | 'reconciler'
  | 'notifier'
  | 'canaryPromoter'
  | 'deploymentHook';

/** Lambda's async invocation of the event-driven functions: its retries and the oldest event it still hands over. */
const asyncInvocation: Partial<Record<FunctionName, { retries: number; maxAgeSeconds: number }>> = {
  alarmStateChange: { retries: 2, maxAgeSeconds: 300 },
  // Alert only: a late alert is still worth sending.
  serviceEvent: { retries: 2, maxAgeSeconds: 3600 },
  // The next sweep is the retry.
  reconciler: { retries: 0, maxAgeSeconds: 300 },
  // The next minute's pass is the retry.
  canaryPromoter: { retries: 0, maxAgeSeconds: 60 },
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
      .map(([functionName, { retries, maxAgeSeconds }]) => ({
        function: `${pascal(functionName)}LambdaFunction`,
        retries,
        maxAgeSeconds,
        onFailure: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] },
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
    expect(byType('AWS::Lambda::EventSourceMapping')).toHaveLength(2);
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
});
