import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const functions = [
  ['taskStateChange', 'functions/task-state-change/handler.mjs', 'TaskStateChangeLambdaFunction'],
  ['notifier', 'functions/notifier/handler.mjs', 'NotifierLambdaFunction'],
] as const;

/** Values standing in for CloudFormation references in a function's environment when its bundle is loaded. */
const referenceStandIns: Record<string, string> = {
  ALERT_OUTBOX_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/ecs-autopilot-ci-alert-outbox.fifo',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:ecs-autopilot-ci-alerts',
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

    // Assess
    for (const [, , logicalId] of functions) {
      expect(resources[logicalId]?.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
    expect(byType('AWS::Lambda::EventInvokeConfig')).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          FunctionName: { Ref: 'TaskStateChangeLambdaFunction' },
          MaximumRetryAttempts: 2,
          MaximumEventAgeInSeconds: 300,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] } } },
        }),
      }),
    ]);
    expect(byType('AWS::Lambda::EventSourceMapping')).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] }),
      }),
    ]);
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
    expect(rules[0]?.Properties?.EventPattern).toEqual({
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

  it('ships the repository config file unchanged', () => {
    // Act
    const shipped = readZip(join(outDir, 'taskStateChange.zip'))
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
