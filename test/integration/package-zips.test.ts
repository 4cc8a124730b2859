import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { manifestFunctions } from '#local/function-manifest.js';
import { repoRoot } from '#test/support/fixtures.js';
import { locate, PACKAGING_TIMEOUT_MS, packageStackForTests, readZip, run } from '#test/support/packaging.js';
import type { Template } from '#test/support/template.js';

/** Each function: its name in serverless.yml, its bundle in the zip, its logical id in the template. */
const functions = manifestFunctions().map(({ name, bundle, logicalId }) => [name, bundle, logicalId] as const);

/** Values standing in for CloudFormation references in a function's environment when its bundle is loaded. */
const referenceStandIns: Record<string, string> = {
  ALERT_OUTBOX_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/ecs-autopilot-ci-alert-outbox.fifo',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:ecs-autopilot-ci-alerts',
  STATE_TABLE_NAME: 'ecs-autopilot-ci-state',
  ALERT_FLUSH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/ecs-autopilot-ci-alert-flush',
};

describe('Packaging: function zips', { timeout: PACKAGING_TIMEOUT_MS }, () => {
  const packaged = packageStackForTests();
  let template: Template;
  beforeAll(() => {
    ({ template } = packaged);
  });

  it('writes a template that cfn-lint finds no error in', async () => {
    // Prepare
    const cfnLint = locate(join(repoRoot, '.venv', 'bin', 'cfn-lint'), 'cfn-lint');
    if (cfnLint === undefined) throw new Error('cfn-lint not found in .venv/bin or on PATH: run `npm run setup`');

    // Act
    const outcome = await run(cfnLint, [packaged.templatePath], { maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }),
      (error: { code?: unknown; stdout?: string; stderr?: string }) => {
        if (typeof error.code !== 'number') throw error;
        return { code: error.code, output: `${error.stdout ?? ''}${error.stderr ?? ''}` };
      },
    );

    // Assess: exit codes are bit flags (2 error, 4 warning, 8 informational); 1 is cfn-lint's own failure.
    expect(outcome.code & 0b11, `cfn-lint exited ${outcome.code}:\n${outcome.output}`).toBe(0);
  });

  it.each(functions)(
    'zips %s with its bundled handler and the config file, without node_modules',
    (functionName, bundle) => {
      // Act
      const names = Object.keys(readZip(join(packaged.outDir, `${functionName}.zip`)));

      // Assess
      expect(names).toContain(bundle);
      expect(names).toContain(`${bundle}.map`);
      expect(names).toContain('ecs-autopilot.yml');
      expect(names.filter((name) => name.startsWith('node_modules/') || name.includes('/node_modules/'))).toEqual([]);
    },
  );

  it.each(functions)('ships the repository config file unchanged in %s', (functionName) => {
    // Act
    const file = readZip(join(packaged.outDir, `${functionName}.zip`))['ecs-autopilot.yml'];
    const shipped = file === undefined ? undefined : Buffer.from(file).toString('utf8');

    // Assess
    expect(shipped).toBe(readFileSync(join(repoRoot, 'ecs-autopilot.yml'), 'utf8'));
  });

  it.each(functions)(
    'bundles %s so that Node loads it as Lambda does, from the unpacked zip',
    async (functionName, bundle, logicalId) => {
      // Prepare: unpack the zip as Lambda does into /var/task, with the function's environment.
      const taskRoot = join(packaged.outDir, `unpacked-${functionName}`);
      for (const [name, content] of Object.entries(readZip(join(packaged.outDir, `${functionName}.zip`)))) {
        if (name.endsWith('/')) continue;
        mkdirSync(dirname(join(taskRoot, name)), { recursive: true });
        writeFileSync(join(taskRoot, name), content);
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
