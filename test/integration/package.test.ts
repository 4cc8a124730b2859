import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventPatterns, manifestFunctions } from '#local/function-manifest.js';
import { repoRoot } from '#test/support/fixtures.js';

const run = promisify(execFile);
const PACKAGING_TIMEOUT_MS = 5 * 60_000;

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Template = { Resources: Record<string, Resource> };
type Statement = {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  Condition?: unknown;
};

/** One file of a zip archive, read from its central directory. */
interface ZipEntry {
  name: string;
  read(): Buffer;
}

/** Lists a zip's files (no ZIP64: our bundles are a few MB) and reads them on demand. */
function readZip(path: string): ZipEntry[] {
  const zip = readFileSync(path);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${path} is not a zip archive`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({
      name,
      read: () => {
        const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
        const data = zip.subarray(start, start + compressedSize);
        return method === 0 ? Buffer.from(data) : inflateRawSync(data);
      },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first executable of these candidates; PATH is searched for a bare name. */
function locate(...candidates: string[]): string | undefined {
  for (const candidate of candidates) {
    const paths = candidate.includes('/')
      ? [candidate]
      : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, candidate));
    for (const path of paths) {
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not there: try the next one
      }
    }
  }
  return undefined;
}

/** Reads and writes that identity policies may grant on "*": Describe/Get/List, and writing one's own logs. */
function isReadOnlyOrLogging(action: string): boolean {
  const [service = '', name = ''] = action.split(':');
  if (/^(Describe|Get|List)/.test(name)) return true;
  if (service === 'logs' && (name === 'CreateLogStream' || name === 'PutLogEvents')) return true;
  return service === 'xray';
}

/** The allow statements of every IAM identity policy in the template (inline role policies and policy resources). */
function identityStatements(template: Template): { where: string; statement: Statement }[] {
  const found: { where: string; statement: Statement }[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const documents: { name: string; document: unknown }[] = [];
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asArray(
        resource.Properties?.Policies as { PolicyName: string; PolicyDocument: unknown }[],
      )) {
        documents.push({ name: policy.PolicyName, document: policy.PolicyDocument });
      }
    }
    if (['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy'].includes(resource.Type)) {
      documents.push({ name: 'PolicyDocument', document: resource.Properties?.PolicyDocument });
    }
    for (const { name, document } of documents) {
      for (const statement of asArray((document as { Statement?: Statement | Statement[] }).Statement)) {
        if (statement.Effect === 'Allow') found.push({ where: `${logicalId}/${name}`, statement });
      }
    }
  }
  return found;
}

/** Each function: its name in serverless.yml, its bundle in the zip, its logical id in the template. */
const functions = manifestFunctions().map(({ name, bundle, logicalId }) => [name, bundle, logicalId] as const);

type FunctionName = 'taskStateChange' | 'alarmStateChange' | 'serviceEvent' | 'reconciler' | 'notifier';

/** `taskStateChange` → `TaskStateChange`: the prefix of the logical ids of the function's resources. */
const pascal = (name: string) => `${name[0]?.toUpperCase()}${name.slice(1)}`;

/**
 * Every IAM action each function's role allows, and nothing else: what the function's code calls (see the AWS calls
 * of shared/ that its handler reaches), its logs, its queues. A new call must be added here and to its role.
 */
const grantedActions: Record<string, string[]> & Record<FunctionName, string[]> = {
  taskStateChange: [
    'ecs:DescribeContainerInstances',
    'ecs:DescribeServices',
    'elasticloadbalancing:DeregisterTargets',
    'elasticloadbalancing:DescribeTargetHealth',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'sqs:SendMessage',
  ],
  alarmStateChange: [
    'application-autoscaling:DescribeScalableTargets',
    'application-autoscaling:RegisterScalableTarget',
    'ecs:DescribeContainerInstances',
    'ecs:DescribeServices',
    'ecs:DescribeTasks',
    'ecs:ListServices',
    'ecs:ListTasks',
    'ecs:StopTask',
    'ecs:TagResource',
    'ecs:UpdateService',
    'elasticloadbalancing:DeregisterTargets',
    'elasticloadbalancing:DescribeTargetHealth',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'sqs:SendMessage',
  ],
  serviceEvent: ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'],
  reconciler: [
    'ecs:DescribeContainerInstances',
    'ecs:DescribeServices',
    'ecs:DescribeTasks',
    'ecs:ListServices',
    'ecs:ListTasks',
    'elasticloadbalancing:DeregisterTargets',
    'elasticloadbalancing:DescribeTargetHealth',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'sqs:SendMessage',
  ],
  notifier: [
    'kms:Decrypt',
    'kms:GenerateDataKey*',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'sns:Publish',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:ReceiveMessage',
  ],
};

/** Lambda's async invocation of the event-driven functions: its retries and the oldest event it still hands over. */
const asyncInvocation: Partial<Record<FunctionName, { retries: number; maxAgeSeconds: number }>> = {
  taskStateChange: { retries: 2, maxAgeSeconds: 300 },
  alarmStateChange: { retries: 2, maxAgeSeconds: 300 },
  // Alert only: a late alert is still worth sending.
  serviceEvent: { retries: 2, maxAgeSeconds: 3600 },
  // The next sweep is the retry.
  reconciler: { retries: 0, maxAgeSeconds: 300 },
};

/** The EventBridge pattern rules (stage `ci`) with the function they invoke and their target's retry policy. */
const ruleTargets = {
  'task-stopping': {
    target: 'TaskStateChangeLambdaFunction',
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
} as const;

/** The rules by their name in the template, each with the pattern deploy/event-patterns.yml gives it. */
const patterns = eventPatterns();
const patternRules = Object.fromEntries(
  Object.entries(ruleTargets).map(([rule, target]) => [
    `ecs-autopilot-ci-${rule}`,
    { ...target, pattern: patterns[rule] },
  ]),
);

type RuleTarget = {
  Arn?: { 'Fn::GetAtt'?: string[] };
  RetryPolicy?: unknown;
  DeadLetterConfig?: { Arn?: unknown };
};

/** The EventBridge rules of the template with the logical id of the (first) function each one invokes. */
function eventRules(template: Template) {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Events::Rule')
    .map((resource) => {
      const properties = resource.Properties ?? {};
      const targets = asArray(properties.Targets as RuleTarget[]);
      return { properties, targets, invokes: targets[0]?.Arn?.['Fn::GetAtt']?.[0] };
    });
}

/** The allow statements of one role: its inline policies and the managed policies that attach themselves to it. */
function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const attachedPolicies = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::ManagedPolicy')
    .filter(([, resource]) =>
      asArray(resource.Properties?.Roles as { Ref?: string }[]).some((role) => role.Ref === roleLogicalId),
    )
    .map(([logicalId]) => `${logicalId}/`);
  return identityStatements(template)
    .filter(({ where }) => [`${roleLogicalId}/`, ...attachedPolicies].some((prefix) => where.startsWith(prefix)))
    .map(({ statement }) => statement);
}

/** Values standing in for CloudFormation references in a function's environment when its bundle is loaded. */
const referenceStandIns: Record<string, string> = {
  ALERT_OUTBOX_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/ecs-autopilot-ci-alert-outbox.fifo',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:ecs-autopilot-ci-alerts',
  STATE_TABLE_NAME: 'ecs-autopilot-ci-state',
};

describe('Packaging: serverless package', { timeout: PACKAGING_TIMEOUT_MS }, () => {
  let outDir: string;
  let templatePath: string;
  let template: Template;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'ecs-autopilot-package-'));
    templatePath = join(outDir, 'cloudformation-template-update-stack.json');
    // No credentials, no profile, no instance metadata: packaging must need none of them.
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') || name === 'AWS_CA_BUNDLE'),
    );
    env.AWS_EC2_METADATA_DISABLED = 'true';
    env.AWS_SHARED_CREDENTIALS_FILE = join(outDir, 'no-credentials');
    env.AWS_CONFIG_FILE = join(outDir, 'no-config');
    // The Node running this test (the project's own), not whatever `node` comes first on PATH.
    env.PATH = `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`;
    const serverless = join(repoRoot, 'node_modules', 'osls', 'bin', 'serverless.js');
    try {
      await run(process.execPath, [serverless, 'package', '--stage', 'ci', '--package', outDir], {
        cwd: repoRoot,
        env,
        maxBuffer: 16 * 1024 * 1024,
        timeout: PACKAGING_TIMEOUT_MS - 30_000,
      });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`serverless package failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
    }
    template = JSON.parse(readFileSync(templatePath, 'utf8')) as Template;
  }, PACKAGING_TIMEOUT_MS);

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('writes the CloudFormation template', () => {
    // Assess
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
  });

  it('runs the functions on Node 24 / arm64, with short async retries and a failure destination', () => {
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
    expect(byType('AWS::Lambda::EventSourceMapping')).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] }),
      }),
    ]);
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

  it('writes a template that cfn-lint finds no error in', async () => {
    // Prepare
    const cfnLint = locate(join(repoRoot, '.venv', 'bin', 'cfn-lint'), 'cfn-lint');
    if (cfnLint === undefined) throw new Error('cfn-lint not found in .venv/bin or on PATH: run `npm run setup`');

    // Act
    const outcome = await run(cfnLint, [templatePath], { maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }),
      (error: { code?: unknown; stdout?: string; stderr?: string }) => {
        if (typeof error.code !== 'number') throw error;
        return { code: error.code, output: `${error.stdout ?? ''}${error.stderr ?? ''}` };
      },
    );

    // Assess: exit codes are bit flags (2 error, 4 warning, 8 informational); 1 is cfn-lint's own failure.
    expect(outcome.code & 0b11, `cfn-lint exited ${outcome.code}:\n${outcome.output}`).toBe(0);
  });

  it('grants no write action on every resource without a condition', () => {
    // Prepare
    const statements = identityStatements(template);

    // Act
    const tooBroad = statements.filter(({ statement }) => {
      if (statement.NotAction !== undefined) return statement.Condition === undefined;
      const writes = asArray(statement.Action).filter((action) => !isReadOnlyOrLogging(action));
      const onEverything = asArray(statement.Resource).some((resource) => resource === '*');
      return writes.length > 0 && onEverything && statement.Condition === undefined;
    });

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    expect(tooBroad).toEqual([]);
  });

  it('lets AWS services use its resources only on behalf of this stack (no confused deputy)', () => {
    // Prepare
    const grants: { where: string; statement: Statement }[] = [];
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const document =
        resource.Type === 'AWS::KMS::Key'
          ? resource.Properties?.KeyPolicy
          : ['AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'].includes(resource.Type)
            ? resource.Properties?.PolicyDocument
            : undefined;
      for (const statement of asArray((document as { Statement?: Statement[] } | undefined)?.Statement)) {
        const toService =
          typeof statement.Principal === 'object' && statement.Principal !== null && 'Service' in statement.Principal;
        if (statement.Effect === 'Allow' && toService) grants.push({ where: logicalId, statement });
      }
    }

    // Assess
    expect(grants.filter(({ statement }) => statement.Condition === undefined)).toEqual([]);
  });

  it('gives each function its own role, which grants only the actions that function calls', () => {
    // Prepare
    const roles = Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
      .map(([logicalId]) => logicalId)
      .sort();

    // Act
    const granted = Object.fromEntries(
      functions.map(([functionName, , logicalId]) => {
        const role = template.Resources[logicalId]?.Properties?.Role as { 'Fn::Sub'?: string } | undefined;
        const roleLogicalId =
          /^\$\{(\w+)\.Arn\}$/.exec(role?.['Fn::Sub'] ?? '')?.[1] ?? `unreadable role ${JSON.stringify(role)}`;
        const statements = roleStatements(template, roleLogicalId);
        const actions = [...new Set(statements.flatMap((statement) => asArray(statement.Action)))].sort();
        const logs = statements.filter((statement) => asArray(statement.Action).some((a) => a.startsWith('logs:')));
        return [functionName, { role: roleLogicalId, actions, logs: logs.map((statement) => statement.Resource) }];
      }),
    );

    // Assess: one role per function, no role left over (no default role from osls), each with exactly its actions
    // and writing only its own log group.
    expect(granted).toEqual(
      Object.fromEntries(
        functions.map(([functionName]) => [
          functionName,
          {
            role: `${pascal(functionName)}Role`,
            actions: [...(grantedActions[functionName] ?? [`no grants written down for ${functionName}`])].sort(),
            logs: [{ 'Fn::GetAtt': [`${pascal(functionName)}LogGroup`, 'Arn'] }],
          },
        ]),
      ),
    );
    expect(roles).toEqual(functions.map(([functionName]) => `${pascal(functionName)}Role`).sort());
  });

  it("holds the alarm reaction's writes to this account's services, tasks and ECS desired counts", () => {
    // Prepare
    const statements = roleStatements(template, 'AlarmStateChangeRole');
    const granting = (action: string) => statements.filter((statement) => asArray(statement.Action).includes(action));
    const arnOfThisAccount = (service: string, resource: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
    });
    const ecsArn = (resource: string) => arnOfThisAccount('ecs', resource);
    const inThisAccountsClusters = { ArnLike: { 'ecs:cluster': ecsArn('cluster/*') } };
    const policies = asArray(
      template.Resources.AlarmStateChangeRole?.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[],
    );
    const denials = policies
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .filter((statement) => statement.Effect === 'Deny');

    // Assess
    expect(granting('ecs:StopTask')).toEqual([
      expect.objectContaining({ Resource: ecsArn('task/*'), Condition: inThisAccountsClusters }),
    ]);
    expect(granting('ecs:UpdateService')).toEqual([expect.objectContaining({ Resource: ecsArn('service/*/*') })]);
    expect(granting('ecs:TagResource')).toEqual([
      expect.objectContaining({
        Resource: ecsArn('service/*/*'),
        Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['ecs-autopilot:*'] } },
      }),
    ]);
    expect(granting('application-autoscaling:RegisterScalableTarget')).toEqual([
      expect.objectContaining({
        Resource: arnOfThisAccount('application-autoscaling', 'scalable-target/*'),
        Condition: {
          StringEquals: {
            'application-autoscaling:service-namespace': 'ecs',
            'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
          },
        },
      }),
    ]);
    expect(granting('ecs:ListTasks')).toEqual([
      expect.objectContaining({ Resource: '*', Condition: inThisAccountsClusters }),
    ]);
    // The kill switch stays the operators': the role may never write it.
    expect(denials).toEqual([
      expect.objectContaining({
        Action: 'ecs:TagResource',
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['ecs-autopilot:disabled'] } },
      }),
    ]);
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

  it('grants the state table only through StateTableAccess, item by item, on that table alone', () => {
    // Prepare
    const statements = identityStatements(template).filter(({ statement }) =>
      asArray(statement.Action).some((action) => action.startsWith('dynamodb:')),
    );

    // Assess
    expect(statements).toEqual([
      {
        where: 'StateTableAccess/PolicyDocument',
        statement: expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
        }),
      },
    ]);
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

  it('sweeps every 5 minutes by default, from a schedule rule without a pattern', () => {
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
    ]);
  });

  it("gives the taskStateChange rule the pattern of a service's stopping task", () => {
    // Prepare
    const rules = Object.values(template.Resources).filter((resource) => {
      const targets = asArray(resource.Properties?.Targets as { Arn?: { 'Fn::GetAtt'?: string[] } }[]);
      return (
        resource.Type === 'AWS::Events::Rule' &&
        targets.some((target) => target.Arn?.['Fn::GetAtt']?.[0] === 'TaskStateChangeLambdaFunction')
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

  it.each(functions)(
    'zips %s with its bundled handler and the config file, without node_modules',
    (functionName, bundle) => {
      // Act
      const names = readZip(join(outDir, `${functionName}.zip`)).map((entry) => entry.name);

      // Assess
      expect(names).toContain(bundle);
      expect(names).toContain(`${bundle}.map`);
      expect(names).toContain('ecs-autopilot.yml');
      expect(names.filter((name) => name.startsWith('node_modules/') || name.includes('/node_modules/'))).toEqual([]);
    },
  );

  it.each(functions)('ships the repository config file unchanged in %s', (functionName) => {
    // Act
    const shipped = readZip(join(outDir, `${functionName}.zip`))
      .find((entry) => entry.name === 'ecs-autopilot.yml')
      ?.read()
      .toString('utf8');

    // Assess
    expect(shipped).toBe(readFileSync(join(repoRoot, 'ecs-autopilot.yml'), 'utf8'));
  });

  it.each(functions)(
    'bundles %s so that Node loads it as Lambda does, from the unpacked zip',
    async (functionName, bundle, logicalId) => {
      // Prepare: unpack the zip as Lambda does into /var/task, with the function's environment.
      const taskRoot = join(outDir, `unpacked-${functionName}`);
      for (const entry of readZip(join(outDir, `${functionName}.zip`))) {
        mkdirSync(dirname(join(taskRoot, entry.name)), { recursive: true });
        writeFileSync(join(taskRoot, entry.name), entry.read());
      }
      const environment = template.Resources[logicalId]?.Properties?.Environment as
        | { Variables: Record<string, unknown> }
        | undefined;
      const variables = environment?.Variables ?? {};
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', LAMBDA_TASK_ROOT: taskRoot };
      for (const [name, value] of Object.entries(variables)) {
        const standIn = referenceStandIns[name];
        if (typeof value !== 'string' && standIn === undefined)
          throw new Error(`no stand-in for the reference ${name}`);
        env[name] = typeof value === 'string' ? value : standIn;
      }

      // Act
      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import('./${bundle}'); process.stdout.write(typeof m.handler);`],
        { cwd: taskRoot, env },
      );

      // Assess
      expect(stdout).toBe('function');
    },
  );
});
