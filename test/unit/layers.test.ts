import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseConfig from 'dependency-cruiser/config-utl/extract-depcruise-config';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '#test/support/fixtures.js';

/** A small tree under test/fixtures/layers with one import of each kind the layer rules forbid, and some they allow. */
async function violationsInFixture(): Promise<string[]> {
  const { options = {}, forbidden = [] } = await extractDepcruiseConfig(join(repoRoot, '.dependency-cruiser.mjs'));
  const { tsConfig: _tsConfig, includeOnly: _includeOnly, ...rest } = options;
  const result = await cruise(['shared', 'functions'], {
    ...rest,
    baseDir: join(repoRoot, 'test', 'fixtures', 'layers'),
    ruleSet: { forbidden },
    validate: true,
  });
  const { summary } = result.output as ICruiseResult;
  return summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe('Layers: the dependency rules of npm run lint', () => {
  it('name every import that runs the wrong way, and only those', async () => {
    // Act
    const violations = await violationsInFixture();

    // Assess
    expect(violations).toEqual([
      'no-aws-to-executor: shared/aws/options.ts → shared/executor/guardrails.ts',
      'no-domain-to-domain: shared/alarms/react.ts → shared/tasks/plan.ts',
      'no-executor-to-domains: shared/executor/guardrails.ts → shared/tasks/plan.ts',
      'no-resources-targets-services--to-functions: shared/targets/observe.ts → functions/a/handler.ts',
      'pure-planners-transitively: shared/alarms/resolve.ts → shared/aws/ecs.ts',
      'pure-planners-transitively: shared/executor/guardrails.ts → shared/aws/ecs.ts',
      'pure-planners-transitively: shared/tasks/plan.ts → shared/aws/ecs.ts',
      'pure-planners-transitively: shared/tasks/screen.ts → shared/aws/ecs.ts',
      'pure-planners: shared/tasks/plan.ts → shared/aws/ecs.ts',
      'shared-stays-inside: shared/targets/observe.ts → functions/a/handler.ts',
    ]);
  });
});
